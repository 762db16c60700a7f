import { createStore } from 'zustand/vanilla';
import { parsePatch } from '../../runtime/patch/parse';
import { PATCH_VERSION, type ParamValue, type Patch, type PortRef } from '../../runtime/patch/schema';
import type { Registry } from '../../runtime/plugin/registry';
import * as ops from './patch-ops';

const HISTORY_LIMIT = 200;
/** Slider drags on one parameter within this window make one undo step. */
const COALESCE_MS = 800;

export interface PatchState {
  patch: Patch;
  selection: string[];
  past: Patch[];
  future: Patch[];
  /** Identifies the last recorded edit, so a slider drag merges into one undo step. */
  lastEdit: { key: string; at: number } | undefined;
}

export type PatchStore = ReturnType<typeof createPatchStore>;

export const emptyPatch = (): Patch => ({ version: PATCH_VERSION, nodes: [], edges: [] });

/**
 * The patch being edited, its selection and its undo history. Lives outside React (zustand vanilla
 * store): the node editor, the code panel and the preview all read and change the same patch.
 */
export function createPatchStore(registry: Registry, initial: Patch = emptyPatch()) {
  const store = createStore<PatchState>(() => ({ patch: initial, selection: [], past: [], future: [], lastEdit: undefined }));
  /** Appended to new node ids in a room (see freshId). */
  let idSuffix = '';

  /** Records `next` as an undoable change; `key` merges repeated edits of one thing. */
  const commit = (next: Patch, key?: string) => {
    const state = store.getState();
    if (next === state.patch) return;
    const now = Date.now();
    const merge = key !== undefined && state.lastEdit?.key === key && now - state.lastEdit.at < COALESCE_MS;
    const past = merge ? state.past : [...state.past, state.patch].slice(-HISTORY_LIMIT);
    const nodeIds = new Set(next.nodes.map((n) => n.id));
    store.setState({
      patch: next,
      past,
      future: [],
      lastEdit: key === undefined ? undefined : { key, at: now },
      selection: state.selection.filter((id) => nodeIds.has(id)),
    });
  };

  const actions = {
    /** Replaces the whole patch (open, import, code → patch). Undoable unless `record` is false. */
    replace(patch: Patch, record = true) {
      if (record) commit(patch);
      else store.setState({ patch, past: [], future: [], selection: [], lastEdit: undefined });
    },

    /**
     * Someone else's edit, from the room: shown without an undo step of its own. `rebase` carries
     * their edit into the undo history, so that undoing my last edit does not take theirs away.
     * The selection keeps the nodes that still exist.
     */
    applyRemote(next: Patch, rebase: (p: Patch) => Patch) {
      const state = store.getState();
      if (next === state.patch) return;
      const nodeIds = new Set(next.nodes.map((n) => n.id));
      const selection = state.selection.filter((id) => nodeIds.has(id));
      store.setState({
        patch: next,
        past: state.past.map(rebase),
        future: state.future.map(rebase),
        selection: selection.length === state.selection.length ? state.selection : selection,
      });
    },

    /** New node ids end with this (a room gives each performer their own). */
    setIdSuffix(suffix: string) {
      idSuffix = suffix.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8);
      if (idSuffix) idSuffix = `-${idSuffix}`;
    },

    addNode(type: string, position: { x: number; y: number }, params?: Record<string, ParamValue>): string {
      const patch = store.getState().patch;
      const id = ops.freshId(patch, type, undefined, idSuffix);
      const node = { id, type, position: { x: Math.round(position.x), y: Math.round(position.y) }, ...(params ? { params } : {}) };
      commit(ops.addNode(patch, node));
      store.setState({ selection: [id] });
      return id;
    },

    removeNodes(ids: readonly string[]) {
      if (ids.length) commit(ops.removeNodes(store.getState().patch, ids));
    },

    connect(from: PortRef, to: PortRef): ops.EditResult {
      const result = ops.connect(store.getState().patch, registry, from, to);
      if (result.ok) commit(result.patch);
      return result;
    },

    disconnect(to: PortRef) {
      commit(ops.disconnect(store.getState().patch, to));
    },

    setParam(nodeId: string, paramId: string, value: ParamValue | undefined) {
      commit(ops.setParam(store.getState().patch, nodeId, paramId, value), `param:${nodeId}:${paramId}`);
    },

    moveNodes(moves: ReadonlyMap<string, { x: number; y: number }>) {
      const nodes = store.getState().patch.nodes;
      const changes = [...moves].some(([id, to]) => {
        const at = nodes.find((n) => n.id === id)?.position;
        return !at || at.x !== Math.round(to.x) || at.y !== Math.round(to.y);
      });
      if (!changes) return;
      commit(ops.moveNodes(store.getState().patch, moves), `move:${[...moves.keys()].sort().join(',')}`);
    },

    select(ids: readonly string[], add = false) {
      const current = store.getState().selection;
      store.setState({ selection: add ? [...new Set([...current, ...ids])] : [...ids] });
    },

    copy(ids = store.getState().selection): string {
      return JSON.stringify(ops.copyFragment(store.getState().patch, ids));
    },

    /** Pastes clipboard text made by `copy` (here or in another tab). Refuses anything else. */
    paste(text: string, offset = { x: 40, y: 40 }): { ok: true; ids: string[] } | { ok: false; reason: string } {
      const fragment = ops.readFragment(text);
      if (!fragment) return { ok: false, reason: 'The clipboard does not hold Patchroom nodes.' };
      const pasted = ops.pasteFragment(store.getState().patch, fragment, offset, idSuffix);
      const checked = parsePatch(pasted.patch);
      if (!checked.ok) return { ok: false, reason: `The copied nodes are not valid: ${checked.issues[0]?.message ?? 'unknown problem'}` };
      const unknown = fragment.nodes.find((n) => !registry.node(n.type));
      if (unknown) return { ok: false, reason: `The copied node type "${unknown.type}" is not available here.` };
      commit(pasted.patch);
      store.setState({ selection: pasted.ids });
      return { ok: true, ids: pasted.ids };
    },

    duplicate(ids = store.getState().selection) {
      return actions.paste(actions.copy(ids));
    },

    undo() {
      const { past, patch, future } = store.getState();
      const previous = past[past.length - 1];
      if (!previous) return false;
      store.setState({ patch: previous, past: past.slice(0, -1), future: [patch, ...future], lastEdit: undefined });
      return true;
    },

    redo() {
      const { past, patch, future } = store.getState();
      const next = future[0];
      if (!next) return false;
      store.setState({ patch: next, past: [...past, patch], future: future.slice(1), lastEdit: undefined });
      return true;
    },
  };

  return { ...store, ...actions, registry };
}
