import { isRecord, parsePatch } from '../../runtime/patch/parse';
import { PATCH_LIMITS, PATCH_VERSION, type ParamValue, type Patch, type PatchEdge, type PatchNode } from '../../runtime/patch/schema';
import { edgeKey, type PatchDoc, type PatchDocEdge, type PatchDocNode } from './protocol';
import { fixed, storedText } from './stored-string';

/**
 * Patch (arrays, the studio's and the compiler's form) ⇄ PatchDoc (maps keyed by id, the room
 * document's form). Pure: the server uses it to seed a room, clients to read and write it.
 */

export function patchToDoc(patch: Patch): PatchDoc {
  const doc: PatchDoc = { version: patch.version, nodes: {}, edges: {} };
  if (patch.name !== undefined) doc.name = patch.name;
  for (const node of patch.nodes) doc.nodes[node.id] = nodeToDoc(node);
  for (const edge of patch.edges) doc.edges[edgeKey(edge)] = edgeToDoc(edge);
  return doc;
}

export function nodeToDoc(node: PatchNode): PatchDocNode {
  return { type: fixed(node.type), params: { ...(node.params ?? {}) }, x: node.position?.x ?? 0, y: node.position?.y ?? 0 };
}

export interface ReadResult {
  patch: Patch;
  /** What was left out, for a log line or a warning: nodes that do not parse, edges that cannot stand. */
  dropped: string[];
}

/**
 * Reads a room's patch document, which other people wrote (untrusted) and which concurrent edits
 * may have left inconsistent. Every peer reads the same document into the same patch:
 * - a node that does not parse is left out (the rest of the patch still plays);
 * - an edge whose node is gone (a remove racing a connect) is dropped;
 * - two edges into one input (two concurrent connects) keep the first by key;
 * - edges that would close a cycle (two concurrent connects in opposite directions) are dropped,
 *   later keys first.
 * `previous` keeps the order of nodes already shown and reuses unchanged node objects, so that a
 * remote edit re-renders only what it touched.
 */
export function docToPatch(doc: unknown, previous?: Patch): ReadResult {
  const dropped: string[] = [];
  const raw = isRecord(doc) ? doc : {};
  const version = typeof raw.version === 'number' ? raw.version : PATCH_VERSION;
  const rawNodes = isRecord(raw.nodes) ? raw.nodes : {};
  const rawEdges = isRecord(raw.edges) ? raw.edges : {};

  const before = new Map(previous?.nodes.map((n, i) => [n.id, { node: n, index: i }]) ?? []);
  const nodes: PatchNode[] = [];
  for (const [id, value] of Object.entries(rawNodes).slice(0, PATCH_LIMITS.nodes)) {
    const node = readNode(id, value);
    if (!node) {
      dropped.push(`node ${id}`);
      continue;
    }
    const old = before.get(id)?.node;
    nodes.push(old && sameNode(old, node) ? old : node);
  }
  // Nodes already on screen keep their places; new ones follow in id order (the same on every peer).
  nodes.sort((a, b) => {
    const ia = before.get(a.id)?.index ?? Infinity;
    const ib = before.get(b.id)?.index ?? Infinity;
    return ia !== ib ? ia - ib : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });

  const ids = new Set(nodes.map((n) => n.id));
  const candidates: Array<{ key: string; edge: PatchEdge }> = [];
  for (const [key, value] of Object.entries(rawEdges)) {
    const edge = readEdge(value);
    if (!edge) dropped.push(`edge ${key}`);
    else if (!ids.has(edge.from.node) || !ids.has(edge.to.node)) dropped.push(`edge ${key} (its node is gone)`);
    else candidates.push({ key: edgeKey(edge), edge });
  }
  candidates.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inputs = new Set<string>();
  const edges: PatchEdge[] = [];
  const downstream = new Map<string, string[]>();
  for (const { key, edge } of candidates.slice(0, PATCH_LIMITS.edges)) {
    const input = `${edge.to.node}.${edge.to.port}`;
    if (inputs.has(input)) {
      dropped.push(`edge ${key} (its input already has an edge)`);
      continue;
    }
    if (reaches(downstream, edge.to.node, edge.from.node)) {
      dropped.push(`edge ${key} (it would close a cycle)`);
      continue;
    }
    inputs.add(input);
    edges.push(edge);
    const next = downstream.get(edge.from.node);
    if (next) next.push(edge.to.node);
    else downstream.set(edge.from.node, [edge.to.node]);
  }
  // Same order as before where possible, so that equal patches compare equal.
  if (previous) {
    const order = new Map(previous.edges.map((e, i) => [edgeKey(e), i]));
    edges.sort((a, b) => (order.get(edgeKey(a)) ?? Infinity) - (order.get(edgeKey(b)) ?? Infinity));
  }

  const patch: Patch = { version, nodes, edges };
  if (typeof raw.name === 'string' && raw.name.length <= PATCH_LIMITS.nameLength) patch.name = raw.name;
  return { patch, dropped };
}

/** Whether `to` can be reached from `from` along the edges kept so far (then from→…→to plus to→from is a cycle). */
function reaches(downstream: ReadonlyMap<string, string[]>, from: string, to: string): boolean {
  if (from === to) return true;
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length) {
    for (const next of downstream.get(stack.pop()!) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

function readNode(id: string, value: unknown): PatchNode | undefined {
  if (!isRecord(value)) return undefined;
  const candidate: Record<string, unknown> = { id, type: storedText(value.type) };
  if (isRecord(value.params)) candidate.params = plainParams(value.params);
  if (typeof value.x === 'number' && typeof value.y === 'number') candidate.position = { x: value.x, y: value.y };
  // The same checks as a file someone sent: ids, types, sizes, parameter values.
  const parsed = parsePatch({ version: PATCH_VERSION, nodes: [candidate], edges: [] });
  return parsed.ok ? parsed.patch.nodes[0] : undefined;
}

/** Automerge hands out proxies (and text objects for strings): copy to plain JSON values. */
function plainParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[key] = plain(value);
  return out;
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  // ImmutableString and the like know their JSON form.
  if (isRecord(value) && typeof value.toJSON === 'function') return plain((value.toJSON as () => unknown)());
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function readEdge(value: unknown): PatchEdge | undefined {
  if (!isRecord(value) || !isRecord(value.from) || !isRecord(value.to)) return undefined;
  const [fromNode, fromPort, toNode, toPort] = [value.from.node, value.from.port, value.to.node, value.to.port].map(storedText);
  if (![fromNode, fromPort, toNode, toPort].every((s) => s !== undefined && s.length > 0 && s.length <= PATCH_LIMITS.idLength)) return undefined;
  return { from: { node: fromNode!, port: fromPort! }, to: { node: toNode!, port: toPort! } };
}

export function edgeToDoc(edge: PatchEdge): PatchDocEdge {
  return { from: { node: fixed(edge.from.node), port: fixed(edge.from.port) }, to: { node: fixed(edge.to.node), port: fixed(edge.to.port) } };
}

export function sameNode(a: PatchNode, b: PatchNode): boolean {
  if (a.id !== b.id || a.type !== b.type) return false;
  if ((a.position?.x ?? 0) !== (b.position?.x ?? 0) || (a.position?.y ?? 0) !== (b.position?.y ?? 0)) return false;
  const pa = a.params ?? {};
  const pb = b.params ?? {};
  const keys = Object.keys(pa);
  return keys.length === Object.keys(pb).length && keys.every((k) => k in pb && sameValue(pa[k]!, pb[k]!));
}

export function sameValue(a: ParamValue, b: ParamValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) return a.expr === b.expr;
  return false;
}
