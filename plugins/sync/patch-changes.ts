import { isExpr, type ParamValue, type Patch, type PatchEdge, type PatchNode } from '../../runtime/patch/schema';
import { updateText } from '@automerge/automerge/slim';
import { edgeToDoc, nodeToDoc, sameValue } from './patch-doc';
import { edgeKey, type PatchDoc } from './protocol';
import { storedText } from './stored-string';

/**
 * The smallest edits that turn one patch into another: per node, per parameter, per position, per
 * edge. Local edits become these before they touch the room document, so that two performers'
 * concurrent edits of different parameters (or nodes, or edges) both survive the merge.
 */
export type PatchChange =
  | { kind: 'node-put'; node: PatchNode }
  | { kind: 'node-remove'; id: string }
  | { kind: 'param-set'; id: string; param: string; value: ParamValue }
  | { kind: 'param-remove'; id: string; param: string }
  | { kind: 'move'; id: string; x: number; y: number }
  | { kind: 'edge-add'; edge: PatchEdge }
  | { kind: 'edge-remove'; key: string }
  | { kind: 'name'; name: string | undefined };

export function diffPatches(before: Patch, after: Patch): PatchChange[] {
  const changes: PatchChange[] = [];
  if (before.name !== after.name) changes.push({ kind: 'name', name: after.name });
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  for (const [id] of old) if (!now.has(id)) changes.push({ kind: 'node-remove', id });
  for (const [id, node] of now) {
    const was = old.get(id);
    if (!was || was.type !== node.type) {
      changes.push({ kind: 'node-put', node });
      continue;
    }
    if (was === node) continue;
    const a = was.params ?? {};
    const b = node.params ?? {};
    for (const param of Object.keys(a)) if (!(param in b)) changes.push({ kind: 'param-remove', id, param });
    for (const [param, value] of Object.entries(b)) if (!(param in a) || !sameValue(a[param]!, value)) changes.push({ kind: 'param-set', id, param, value });
    const pa = was.position ?? { x: 0, y: 0 };
    const pb = node.position ?? { x: 0, y: 0 };
    if (pa.x !== pb.x || pa.y !== pb.y) changes.push({ kind: 'move', id, x: pb.x, y: pb.y });
  }
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Map(after.edges.map((e) => [edgeKey(e), e]));
  for (const key of oldEdges) if (!newEdges.has(key)) changes.push({ kind: 'edge-remove', key });
  for (const [key, edge] of newEdges) if (!oldEdges.has(key)) changes.push({ kind: 'edge-add', edge });
  return changes;
}

/**
 * Applies changes made elsewhere to a patch (an undo step recorded before a remote edit arrived):
 * a change to a node that is not there is skipped, a removed node takes its edges along.
 */
export function applyChanges(patch: Patch, changes: readonly PatchChange[]): Patch {
  if (changes.length === 0) return patch;
  let nodes = patch.nodes;
  let edges = patch.edges;
  let name = patch.name;
  const update = (id: string, fn: (n: PatchNode) => PatchNode) => {
    nodes = nodes.map((n) => (n.id === id ? fn(n) : n));
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'name':
        name = change.name;
        break;
      case 'node-put':
        nodes = nodes.some((n) => n.id === change.node.id) ? nodes.map((n) => (n.id === change.node.id ? change.node : n)) : [...nodes, change.node];
        break;
      case 'node-remove':
        nodes = nodes.filter((n) => n.id !== change.id);
        edges = edges.filter((e) => e.from.node !== change.id && e.to.node !== change.id);
        break;
      case 'param-set':
        update(change.id, (n) => ({ ...n, params: { ...(n.params ?? {}), [change.param]: change.value } }));
        break;
      case 'param-remove':
        update(change.id, (n) => {
          const params = { ...(n.params ?? {}) };
          delete params[change.param];
          return { ...n, params };
        });
        break;
      case 'move':
        update(change.id, (n) => ({ ...n, position: { x: change.x, y: change.y } }));
        break;
      case 'edge-add': {
        const key = edgeKey(change.edge);
        const ids = new Set(nodes.map((n) => n.id));
        if (!ids.has(change.edge.from.node) || !ids.has(change.edge.to.node) || edges.some((e) => edgeKey(e) === key)) break;
        // One edge per input, as in the editor.
        edges = [...edges.filter((e) => !(e.to.node === change.edge.to.node && e.to.port === change.edge.to.port)), change.edge];
        break;
      }
      case 'edge-remove':
        edges = edges.filter((e) => edgeKey(e) !== change.key);
        break;
    }
  }
  const next: Patch = { version: patch.version, nodes, edges };
  if (name !== undefined) next.name = name;
  return next;
}

/**
 * Writes changes into the room document, inside `handle.change(doc => writeChanges(doc, …))`.
 * A change to a node someone else removed meanwhile is skipped rather than bringing it back half made.
 * A new value of a text parameter (code) or of the name is written as the characters that changed,
 * not as a new text: a long script edited all evening stays small, and two performers' edits to
 * different parts of it both survive.
 */
export function writeChanges(doc: PatchDoc, changes: readonly PatchChange[]): void {
  doc.nodes ??= {};
  doc.edges ??= {};
  for (const change of changes) {
    switch (change.kind) {
      case 'name':
        if (change.name === undefined) delete doc.name;
        else if (typeof doc.name === 'string') updateText(doc, ['name'], change.name);
        else doc.name = change.name;
        break;
      case 'node-put':
        doc.nodes[change.node.id] = nodeToDoc(change.node);
        break;
      case 'node-remove': {
        delete doc.nodes[change.id];
        for (const [key, edge] of Object.entries(doc.edges)) if (storedText(edge.from.node) === change.id || storedText(edge.to.node) === change.id) delete doc.edges[key];
        break;
      }
      case 'param-set': {
        const node = doc.nodes[change.id];
        if (!node) break;
        node.params ??= {};
        const now = node.params[change.param];
        const value = change.value;
        if (typeof value === 'string' && typeof now === 'string') updateText(doc, ['nodes', change.id, 'params', change.param], value);
        else if (isExpr(value) && isExpr(now)) updateText(doc, ['nodes', change.id, 'params', change.param, 'expr'], value.expr);
        else node.params[change.param] = structuredClone(value);
        break;
      }
      case 'param-remove': {
        const node = doc.nodes[change.id];
        if (node?.params) delete node.params[change.param];
        break;
      }
      case 'move': {
        const node = doc.nodes[change.id];
        if (!node) break;
        if (node.x !== change.x) node.x = change.x;
        if (node.y !== change.y) node.y = change.y;
        break;
      }
      case 'edge-add':
        if (doc.nodes[change.edge.from.node] && doc.nodes[change.edge.to.node]) {
          doc.edges[edgeKey(change.edge)] = edgeToDoc(change.edge);
        }
        break;
      case 'edge-remove':
        delete doc.edges[change.key];
        break;
    }
  }
}
