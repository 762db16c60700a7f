import { PATCH_LIMITS, type Patch, type PatchEdge, type PatchNode } from '../patch/schema';
import type { Registry } from '../plugin/registry';
import { keepHiddenValues, readHint, reconcile, type HintGraph } from './code-hint';
import type { ReadNode } from './code-read';
import { compareIds } from './compile';

/**
 * Gives the nodes read from code their ids, reusing the hint's (the patch the code came from, or
 * the one in the editor) so that editing a number in the code keeps the graph's ids and layout.
 *
 * A node's place in the graph is its path from its statement: `out#1/in/texture/frequency` is the
 * frequency input of the texture of whatever feeds the second `out` node. A read node takes the id
 * of the hint node at the same path and of the same type; failing that, the first unclaimed hint
 * node of its type in the same statement, then anywhere. Two read nodes that claim one hint node
 * (the compiler writes a node that feeds two inputs twice) become one node again if they are still
 * identical. Output nodes must keep their statement order, which the compiler takes from their ids.
 * Hint nodes that contributed nothing to the code (not wired to an output) are carried over as they are.
 *
 * Fresh ids: output nodes (out, render, script) are `out1`, `out2`… in statement order; every other
 * node is its type's name and the lowest free number, `osc1`, `kaleid2`, `code1`, `lfo1`.
 */
export interface Identified {
  nodes: PatchNode[];
  edges: PatchEdge[];
  /** The output nodes' ids in statement order. */
  roots: string[];
  /** Ids of the hint's nodes carried over because they contributed nothing to the code. */
  carried: string[];
}

export function identify(statements: readonly ReadNode[], registry: Registry, hint: Patch | undefined): Identified {
  const known = hint ? readHint(hint, registry) : undefined;
  const paths = new Map<ReadNode, { path: string; root: string }>();
  const order: ReadNode[] = [];
  const walk = (node: ReadNode, path: string, root: string) => {
    paths.set(node, { path, root });
    order.push(node);
    const twin = known?.byPath.get(path);
    if (known && twin?.type === node.type) reconcile(node, twin, known, registry);
    for (const input of node.inputs) walk(input.node, `${path}/${input.port}`, root);
  };
  const occurrences = new Map<string, number>();
  for (const root of statements) {
    const n = occurrences.get(root.type) ?? 0;
    occurrences.set(root.type, n + 1);
    walk(root, `${root.type}#${n}`, `${root.type}#${n}`);
  }

  const claims = known ? claimTwins(order, paths, known) : new Map<ReadNode, PatchNode>();

  const taken = new Set(hint?.nodes.map((n) => n.id) ?? []);
  const ids = new Map<ReadNode, string>();
  const roots = outputIds(statements.map((s) => claims.get(s)?.id), taken);
  statements.forEach((s, i) => ids.set(s, roots[i]!));

  // Children before parents: whether two claims of one hint node are still the same node depends on their inputs.
  const signatures = new Map<string, string>();
  const assign = (node: ReadNode) => {
    for (const input of node.inputs) assign(input.node);
    if (ids.has(node)) return;
    const twin = claims.get(node);
    if (twin) keepHiddenValues(node, twin);
    const signature = JSON.stringify([node.type, Object.entries(node.params).sort(), node.inputs.map((i) => [i.port, ids.get(i.node)])]);
    const previous = twin && signatures.get(twin.id);
    if (twin && (previous === undefined || previous === signature)) {
      ids.set(node, twin.id);
      signatures.set(twin.id, signature);
    } else {
      ids.set(node, freshId(node.type.slice(node.type.indexOf('/') + 1), taken));
    }
  };
  statements.forEach(assign);

  const nodes = new Map<string, PatchNode>();
  const edges = new Map<string, PatchEdge>();
  for (const node of order) {
    const id = ids.get(node)!;
    if (!nodes.has(id)) {
      const made: PatchNode = { id, type: node.type, params: structuredClone(node.params) };
      const position = claims.get(node)?.position;
      if (position) made.position = { x: position.x, y: position.y };
      nodes.set(id, made);
    }
    for (const { port, node: from } of node.inputs) {
      edges.set(`${id}\u0000${port}`, { from: { node: ids.get(from)!, port: from.output }, to: { node: id, port } });
    }
  }
  for (const carried of known?.idle ?? []) nodes.set(carried.id, structuredClone(carried));
  const idle = new Set(known?.idle.map((n) => n.id));
  for (const edge of hint?.edges ?? []) {
    if (idle.has(edge.from.node) && idle.has(edge.to.node)) edges.set(`${edge.to.node}\u0000${edge.to.port}`, structuredClone(edge));
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], roots, carried: [...idle] };
}

/** Pairs read nodes with hint nodes: same path and type first, then the same type in the same statement, then anywhere. */
function claimTwins(order: readonly ReadNode[], paths: ReadonlyMap<ReadNode, { path: string; root: string }>, known: HintGraph): Map<ReadNode, PatchNode> {
  const claims = new Map<ReadNode, PatchNode>();
  const claimed = new Set<string>();
  const claim = (node: ReadNode, by: PatchNode) => {
    claims.set(node, by);
    claimed.add(by.id);
  };
  for (const node of order) {
    const twin = known.byPath.get(paths.get(node)!.path);
    if (twin?.type === node.type) claim(node, twin);
  }
  const ofType = new Map<string, HintGraph['order']>();
  for (const h of known.order) {
    if (!ofType.has(h.node.type)) ofType.set(h.node.type, []);
    ofType.get(h.node.type)!.push(h);
  }
  for (const sameRoot of [true, false]) {
    for (const node of order) {
      if (claims.has(node)) continue;
      const root = paths.get(node)!.root;
      const found = ofType.get(node.type)?.find((h) => !claimed.has(h.node.id) && (!sameRoot || h.root === root));
      if (found) claim(node, found.node);
    }
  }
  return claims;
}

/**
 * Ids for the output nodes, increasing in statement order. Keeps the longest run of claimed hint
 * ids that is already in order and fits fresh ids between them; when no id fits a gap, numbers
 * every output afresh.
 */
function outputIds(claimed: ReadonlyArray<string | undefined>, taken: Set<string>): string[] {
  const keep = increasing(claimed);
  const ids: string[] = [];
  for (let i = 0; i < claimed.length; i++) {
    if (keep.has(i)) {
      ids.push(claimed[i]!);
      continue;
    }
    const next = claimed.findIndex((_, j) => j > i && keep.has(j));
    const id = between(ids.at(-1), next >= 0 ? claimed[next] : undefined, taken);
    if (id === undefined) return claimed.map(() => freshId('out', taken));
    taken.add(id);
    ids.push(id);
  }
  return ids;
}

/** Indices of a longest strictly increasing (by compareIds) subsequence of the defined ids. */
function increasing(ids: ReadonlyArray<string | undefined>): Set<number> {
  const best: number[][] = [];
  ids.forEach((id, i) => {
    if (id === undefined) return;
    let chain: number[] = [];
    for (const prior of best) if (prior.length >= chain.length && compareIds(ids[prior.at(-1)!]!, id) < 0) chain = prior;
    best.push([...chain, i]);
  });
  return new Set(best.reduce<number[]>((a, b) => (b.length > a.length ? b : a), []));
}

function between(lower: string | undefined, upper: string | undefined, taken: Set<string>): string | undefined {
  const fits = (id: string) =>
    !taken.has(id) && id.length <= PATCH_LIMITS.idLength && (lower === undefined || compareIds(lower, id) < 0) && (upper === undefined || compareIds(id, upper) < 0);
  const limit = taken.size + 2;
  for (let k = 1; k <= limit; k++) if (fits(`out${k}`)) return `out${k}`;
  if (fits('out0')) return 'out0';
  if (lower !== undefined) for (let k = 1; k <= limit; k++) if (fits(`${lower}-${k}`)) return `${lower}-${k}`;
  return undefined;
}

function freshId(base: string, taken: Set<string>): string {
  let k = 1;
  while (taken.has(`${base}${k}`)) k++;
  taken.add(`${base}${k}`);
  return `${base}${k}`;
}
