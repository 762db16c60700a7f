import { isExpr, type Patch, type PatchEdge, type PatchNode } from '../patch/schema';
import type { Registry } from '../plugin/registry';
import type { ReadNode } from './code-read';
import { compareIds, compileNodeText, DEFAULT_TEXTURE } from './compile';

/** The hint patch as code → patch sees it: its nodes by path from their statement. */
export interface HintGraph {
  byPath: Map<string, PatchNode>;
  /** Contributing nodes, each once, in the order a walk from the outputs meets them. */
  order: Array<{ node: PatchNode; root: string }>;
  /** Nodes that contributed nothing to the code. */
  idle: PatchNode[];
  /** The edge into an input, if any. */
  edgeInto(node: string, port: string): PatchEdge | undefined;
  node(id: string): PatchNode | undefined;
}

/** The hint's nodes by path, walked exactly like the read nodes: outputs in statement (id) order, inputs in port order. */
export function readHint(hint: Patch, registry: Registry): HintGraph {
  const byId = new Map(hint.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, PatchEdge[]>();
  for (const e of hint.edges) {
    if (!incoming.has(e.to.node)) incoming.set(e.to.node, []);
    incoming.get(e.to.node)!.push(e);
  }
  const byPath = new Map<string, PatchNode>();
  const order: HintGraph['order'] = [];
  const seen = new Set<string>();
  const onPath = new Set<string>();
  const walk = (node: PatchNode, path: string, root: string) => {
    if (onPath.has(node.id)) return; // a cycle: the compiler refuses these, so they are in no code
    if (!seen.has(node.id)) order.push({ node, root });
    seen.add(node.id);
    byPath.set(path, node);
    onPath.add(node.id);
    const ports = registry.inputPorts(node.type).map((p) => p.id);
    const edges = [...(incoming.get(node.id) ?? [])].sort((a, b) => ports.indexOf(a.to.port) - ports.indexOf(b.to.port));
    for (const edge of edges) {
      const from = byId.get(edge.from.node);
      if (from) walk(from, `${path}/${edge.to.port}`, root);
    }
    onPath.delete(node.id);
  };
  const roots = hint.nodes
    .filter((n) => {
      const def = registry.node(n.type);
      return def?.kind === 'output' && (def.inputs.length === 0 || incoming.has(n.id));
    })
    .sort((a, b) => compareIds(a.id, b.id));
  const occurrences = new Map<string, number>();
  for (const root of roots) {
    const n = occurrences.get(root.type) ?? 0;
    occurrences.set(root.type, n + 1);
    walk(root, `${root.type}#${n}`, `${root.type}#${n}`);
  }
  return {
    byPath,
    order,
    idle: hint.nodes.filter((n) => !seen.has(n.id)),
    edgeInto: (node, port) => incoming.get(node)?.find((e) => e.to.port === port),
    node: (id) => byId.get(id),
  };
}

/**
 * Where the code says the same as the hint at a node's inputs, takes the hint's way of saying it:
 * - an input the hint left unconnected stays so: an expression that reads like an lfo stays an
 *   expression, and the `solid()` an unconnected effect input compiles to is no node;
 * - a node of another plugin that compiles to the same code as what was read (a video input that
 *   compiles to `src(s0)`, an audio value that compiles to an arrow function) stays that node,
 *   with its parameters, instead of becoming a hydra-core node or an expression.
 */
export function reconcile(node: ReadNode, twin: PatchNode, known: HintGraph, registry: Registry): void {
  const code = (type: string, params: PatchNode['params']) => {
    const def = registry.node(type);
    try {
      return def ? compileNodeText(def, params) : undefined;
    } catch {
      return undefined;
    }
  };
  /** The hint's node on an input, when it is a node without inputs of its own. */
  const leafInto = (port: string) => {
    const edge = known.edgeInto(twin.id, port);
    const from = edge && known.node(edge.from.node);
    return from && !registry.inputPorts(from.type).some((p) => known.edgeInto(from.id, p.id)) ? { edge, from } : undefined;
  };

  node.inputs = node.inputs.filter(({ port, node: child }) => {
    if (!known.edgeInto(twin.id, port)) {
      if (child.expr !== undefined && isExpr(twin.params?.[port])) {
        node.params[port] = { expr: child.expr };
        return false;
      }
      return child.inputs.length > 0 || code(child.type, child.params) !== DEFAULT_TEXTURE;
    }
    const leaf = leafInto(port);
    if (leaf && leaf.from.type !== child.type && child.inputs.length === 0 && code(leaf.from.type, leaf.from.params) === code(child.type, child.params)) {
      child.type = leaf.from.type;
      child.params = structuredClone(leaf.from.params ?? {});
      child.output = leaf.edge.from.port;
      delete child.expr;
    }
    return true;
  });

  for (const [port, value] of Object.entries(node.params)) {
    const leaf = isExpr(value) ? leafInto(port) : undefined;
    if (!leaf || !isExpr(value) || code(leaf.from.type, leaf.from.params) !== value.expr) continue;
    delete node.params[port];
    node.inputs.push({ port, node: { type: leaf.from.type, params: structuredClone(leaf.from.params ?? {}), inputs: [], start: node.start, output: leaf.edge.from.port } });
  }
}

/** A value stored under a connected input is invisible in code: keep the hint's, so it is there when the edge goes. */
export function keepHiddenValues(node: ReadNode, twin: PatchNode): void {
  for (const { port } of node.inputs) {
    const hidden = twin.params?.[port];
    if (hidden !== undefined && !(port in node.params)) node.params[port] = structuredClone(hidden);
  }
}
