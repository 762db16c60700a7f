import { createRoot } from 'react-dom/client';
import { ClassicPreset, NodeEditor, type GetSchemes } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { Presets, ReactPlugin, type ReactArea2D } from 'rete-react-plugin';
import type { PatchEdge, PatchNode } from '../../runtime/patch/schema';
import type { PortType } from '../../runtime/plugin/types';
import type { PatchStore } from '../state/patch-store';
import { editorContext } from './editor-context';
import { NODE_WIDTH, nodeHeight } from './node-size';
import { PatchNodeView } from './PatchNodeView';

/** Below this zoom, node controls are too small to use: they are hidden (see the LOD pipe). */
const FAR_ZOOM = 0.35;

/** A Rete node standing for one patch node; its id is the patch node's id. */
export class EditorNode extends ClassicPreset.Node {
  width = NODE_WIDTH;
  height = 120;
  constructor(
    id: string,
    readonly nodeType: string,
    label: string,
  ) {
    super(label);
    this.id = id;
  }
}

type Connection = ClassicPreset.Connection<ClassicPreset.Node, ClassicPreset.Node>;
export type Schemes = GetSchemes<EditorNode, Connection>;
type AreaExtra = ReactArea2D<Schemes>;

const sockets: Record<PortType, ClassicPreset.Socket> = {
  texture: new ClassicPreset.Socket('texture'),
  number: new ClassicPreset.Socket('number'),
  event: new ClassicPreset.Socket('event'),
};

export interface EditorCallbacks {
  /** A connection the store refused: tell the user why. */
  onRefused(reason: string): void;
}

const connectionId = (e: PatchEdge) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`;

/**
 * The node editor, as a view of the patch store: the store is the truth; the editor shows it and
 * turns the user's gestures (drag a connection, move nodes, select) into store actions. Changes
 * from anywhere (undo, code → patch, paste, another performer) flow back by diffing.
 */
export async function createReteEditor(container: HTMLElement, store: PatchStore, callbacks: EditorCallbacks) {
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new ReactPlugin<Schemes, AreaExtra>({ createRoot });
  const selector = AreaExtensions.selector();
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating: AreaExtensions.accumulateOnCtrl() });

  render.addPreset(Presets.classic.setup({ customize: { node: () => PatchNodeView } }));
  connection.addPreset(ConnectionPresets.classic.setup());
  editor.use(area);
  area.use(connection);
  area.use(render);
  AreaExtensions.simpleNodesOrder(area);

  /** True while we apply store changes to the editor: the editor's own events then are ours. */
  let syncing = false;
  const moved = new Map<string, { x: number; y: number }>();

  // A connection drawn by the user goes through the store, which checks types and cycles; the
  // editor shows it when the store has it.
  editor.addPipe((context) => {
    if (syncing) return context;
    if (context.type === 'connectioncreate') {
      const c = context.data;
      const result = store.connect({ node: c.source, port: c.sourceOutput }, { node: c.target, port: c.targetInput });
      if (!result.ok) callbacks.onRefused(result.reason);
      return undefined;
    }
    if (context.type === 'connectionremove') {
      store.disconnect({ node: context.data.target, port: context.data.targetInput });
      return undefined;
    }
    return context;
  });

  // Level of detail: zoomed far out, controls are unreadable anyway; hiding them (not removing:
  // sockets keep their places) saves painting and hit-testing thousands of elements per frame.
  area.addPipe((context) => {
    if (context.type === 'zoomed') container.dataset.zoom = area.area.transform.k < FAR_ZOOM ? 'far' : 'near';
    return context;
  });

  area.addPipe((context) => {
    if (syncing) return context;
    if (context.type === 'nodetranslated') moved.set(context.data.id, context.data.position);
    if (context.type === 'nodedragged' && moved.size) {
      store.moveNodes(new Map(moved));
      moved.clear();
    }
    if (context.type === 'nodepicked' || context.type === 'pointerup') {
      queueMicrotask(() => {
        const ids = [...selector.entities.values()].filter((e) => e.label === 'node').map((e) => e.id);
        const current = store.getState().selection;
        if (ids.length !== current.length || ids.some((id, i) => id !== current[i])) store.select(ids);
      });
    }
    return context;
  });

  function makeNode(node: PatchNode): EditorNode | undefined {
    const def = store.registry.node(node.type);
    if (!def) return undefined;
    const view = new EditorNode(node.id, node.type, def.label);
    for (const port of store.registry.inputPorts(node.type)) view.addInput(port.id, new ClassicPreset.Input(sockets[port.type], port.label ?? port.id));
    for (const port of def.outputs) view.addOutput(port.id, new ClassicPreset.Output(sockets[port.type], port.label ?? port.id));
    view.height = nodeHeight(def, editorContext.views.has(node.type));
    return view;
  }

  /** Brings the editor in line with the store's patch: adds, removes, moves, reconnects. */
  async function sync() {
    syncing = true;
    try {
      const { patch, selection } = store.getState();
      const wanted = new Map(patch.nodes.map((n) => [n.id, n]));
      for (const c of editor.getConnections()) {
        const edge = { from: { node: c.source, port: c.sourceOutput }, to: { node: c.target, port: c.targetInput } };
        if (!patch.edges.some((e) => connectionId(e) === connectionId(edge))) await editor.removeConnection(c.id);
      }
      for (const n of editor.getNodes()) {
        const node = wanted.get(n.id);
        if (!node || node.type !== n.nodeType) await editor.removeNode(n.id);
      }
      for (const node of patch.nodes) {
        let view = editor.getNode(node.id);
        if (!view) {
          const made = makeNode(node);
          if (!made) continue;
          await editor.addNode(made);
          view = made;
        }
        // Node bodies follow the store themselves (PatchNodeView subscribes): only positions here.
        const at = node.position ?? { x: 0, y: 0 };
        const current = area.nodeViews.get(node.id)?.position;
        if (!current || current.x !== at.x || current.y !== at.y) await area.translate(node.id, at);
      }
      const present = new Set(editor.getConnections().map((c) => c.id));
      for (const edge of patch.edges) {
        const id = connectionId(edge);
        if (present.has(id)) continue;
        const source = editor.getNode(edge.from.node);
        const target = editor.getNode(edge.to.node);
        if (!source || !target) continue;
        const c = new ClassicPreset.Connection(source, edge.from.port, target, edge.to.port) as Connection;
        c.id = id;
        await editor.addConnection(c);
      }
      const selected = new Set(selection);
      for (const entity of [...selector.entities.values()]) if (!selected.has(entity.id)) await selectable.unselect(entity.id);
      for (const id of selection) if (!selector.entities.has(`node_${id}`) && editor.getNode(id)) await selectable.select(id, true);
    } finally {
      syncing = false;
    }
  }

  // Store changes arrive in bursts (a slider drag); sync runs one at a time, always to the latest.
  let running: Promise<void> | undefined;
  let again = false;
  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    running = sync().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
  };
  let last = store.getState();
  const unsubscribe = store.subscribe((state) => {
    if (state.patch !== last.patch || state.selection !== last.selection) schedule();
    last = state;
  });
  await sync();

  return {
    editor,
    area,
    /** Where the pointer is, in editor coordinates: new nodes go there. */
    pointer: () => ({ ...area.area.pointer }),
    /** The middle of the visible part of the editor, in editor coordinates. */
    center: () => {
      const { x, y, k } = area.area.transform;
      const box = container.getBoundingClientRect();
      return { x: (box.width / 2 - x) / k, y: (box.height / 2 - y) / k };
    },
    zoomToFit: () => AreaExtensions.zoomAt(area, editor.getNodes(), { scale: 0.9 }),
    settled: () => running ?? Promise.resolve(),
    destroy() {
      unsubscribe();
      area.destroy();
    },
  };
}

export type ReteEditor = Awaited<ReturnType<typeof createReteEditor>>;
