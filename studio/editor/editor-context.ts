import type { ComponentType } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { PeerPresence } from '../../plugins/sync/client';
import type { NodeViewProps } from '../../runtime/plugin/types';
import type { PatchStore } from '../state/patch-store';
import type { RunStore } from '../state/run-store';

export type { NodeViewProps };

export type NodeView = ComponentType<NodeViewProps>;

/**
 * rete-react-plugin renders every node in a React root of its own, so React context does not reach
 * node views: they find the store and the plugin views here. Set once by the studio before the
 * editor renders.
 */
export const editorContext: {
  store?: PatchStore;
  run?: RunStore;
  views: ReadonlyMap<string, NodeView>;
  /** In a live room: who else is there and which nodes they are editing. */
  presence?: StoreApi<{ peers: PeerPresence[] }>;
} = { views: new Map() };
