import type { Registry } from '../../runtime/plugin/registry';
import type { ParamValue, Patch, PatchEdge, PatchNode, PortRef } from '../../runtime/patch/schema';
import { findCycle } from '../../runtime/patch/validate';

/**
 * Pure edits of a patch: each takes a patch and returns a new one (never mutates), or explains why
 * it cannot. The store wraps these with history and selection; tests call them directly.
 */

export type EditResult = { ok: true; patch: Patch } | { ok: false; reason: string };

/**
 * A fresh id for a node of `type`: its short name plus the first free number (`osc1`, `osc2`…).
 * In a room, `suffix` (from this performer's peer id, `-k3f`) keeps two performers who add an
 * `osc` at the same moment from both making `osc1`.
 */
export function freshId(patch: Patch, type: string, taken: ReadonlySet<string> = new Set(), suffix = ''): string {
  const base = (type.split('/').pop() ?? 'node').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'node';
  const used = new Set([...patch.nodes.map((n) => n.id), ...taken]);
  for (let i = 1; ; i++) if (!used.has(`${base}${i}${suffix}`)) return `${base}${i}${suffix}`;
}

export function addNode(patch: Patch, node: PatchNode): Patch {
  return { ...patch, nodes: [...patch.nodes, node] };
}

/** Removes nodes and every edge touching them. */
export function removeNodes(patch: Patch, ids: readonly string[]): Patch {
  const gone = new Set(ids);
  return {
    ...patch,
    nodes: patch.nodes.filter((n) => !gone.has(n.id)),
    edges: patch.edges.filter((e) => !gone.has(e.from.node) && !gone.has(e.to.node)),
  };
}

/**
 * Connects an output to an input. Refuses a type mismatch (texture into number…), a port that does
 * not exist, and a connection that would close a cycle; an input that already has an edge gets the
 * new one instead (as in every node editor).
 */
export function connect(patch: Patch, registry: Registry, from: PortRef, to: PortRef): EditResult {
  const fromNode = patch.nodes.find((n) => n.id === from.node);
  const toNode = patch.nodes.find((n) => n.id === to.node);
  if (!fromNode || !toNode) return { ok: false, reason: 'One of the nodes no longer exists.' };
  if (from.node === to.node) return { ok: false, reason: 'A node cannot feed itself. Use src(o0…o3) for feedback.' };
  const out = registry.node(fromNode.type)?.outputs.find((p) => p.id === from.port);
  const input = registry.inputPorts(toNode.type).find((p) => p.id === to.port);
  if (!out || !input) return { ok: false, reason: 'That port does not exist.' };
  if (out.type !== input.type) {
    return { ok: false, reason: `Cannot connect a ${out.type} output to a ${input.type} input (${toNode.id}.${to.port}).` };
  }
  const edges = patch.edges.filter((e) => !(e.to.node === to.node && e.to.port === to.port));
  const edge: PatchEdge = { from: { ...from }, to: { ...to } };
  const next = [...edges, edge];
  const cycle = findCycle(patch.nodes.map((n) => n.id), next);
  if (cycle) return { ok: false, reason: `That would make a cycle (${cycle.join(' → ')}). Use src(o0…o3) for feedback.` };
  return { ok: true, patch: { ...patch, edges: next } };
}

export function disconnect(patch: Patch, to: PortRef): Patch {
  return { ...patch, edges: patch.edges.filter((e) => !(e.to.node === to.node && e.to.port === to.port)) };
}

export function setParam(patch: Patch, nodeId: string, paramId: string, value: ParamValue | undefined): Patch {
  return {
    ...patch,
    nodes: patch.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const params = { ...(n.params ?? {}) };
      if (value === undefined) delete params[paramId];
      else params[paramId] = value;
      return { ...n, params };
    }),
  };
}

export function moveNodes(patch: Patch, moves: ReadonlyMap<string, { x: number; y: number }>): Patch {
  return {
    ...patch,
    nodes: patch.nodes.map((n) => {
      const to = moves.get(n.id);
      return to ? { ...n, position: { x: Math.round(to.x), y: Math.round(to.y) } } : n;
    }),
  };
}

/** A piece of a patch on the clipboard: the chosen nodes and the edges among them. */
export interface Fragment {
  kind: 'patchroom/fragment';
  version: 1;
  nodes: PatchNode[];
  edges: PatchEdge[];
}

export function copyFragment(patch: Patch, ids: readonly string[]): Fragment {
  const chosen = new Set(ids);
  return {
    kind: 'patchroom/fragment',
    version: 1,
    nodes: structuredClone(patch.nodes.filter((n) => chosen.has(n.id))),
    edges: structuredClone(patch.edges.filter((e) => chosen.has(e.from.node) && chosen.has(e.to.node))),
  };
}

/** Pastes a fragment with new ids, moved by `offset`; returns the patch and the new ids. */
export function pasteFragment(patch: Patch, fragment: Fragment, offset: { x: number; y: number }, suffix = ''): { patch: Patch; ids: string[] } {
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  const nodes = fragment.nodes.map((n) => {
    const id = freshId(patch, n.type, taken, suffix);
    taken.add(id);
    renamed.set(n.id, id);
    const position = { x: Math.round((n.position?.x ?? 0) + offset.x), y: Math.round((n.position?.y ?? 0) + offset.y) };
    return { ...structuredClone(n), id, position };
  });
  const edges = fragment.edges.map((e) => ({
    from: { node: renamed.get(e.from.node)!, port: e.from.port },
    to: { node: renamed.get(e.to.node)!, port: e.to.port },
  }));
  return { patch: { ...patch, nodes: [...patch.nodes, ...nodes], edges: [...patch.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}

/** Reads a fragment from clipboard text; undefined when it is not one (ordinary text). */
export function readFragment(text: string): Fragment | undefined {
  try {
    const value = JSON.parse(text) as Partial<Fragment>;
    if (value?.kind !== 'patchroom/fragment' || value.version !== 1 || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return undefined;
    return value as Fragment;
  } catch {
    return undefined;
  }
}
