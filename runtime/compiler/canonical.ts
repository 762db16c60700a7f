import type { ParamValue, Patch, PatchEdge, PatchNode } from '../patch/schema';
import type { Registry } from '../plugin/registry';
import { compareIds } from './compile';

/**
 * The canonical form of a patch: the same graph with parameters equal to their node's default left
 * out, parameters in their definition's order, and nodes and edges sorted (nodes by natural id
 * order, edges by target then source). Two patches that differ only in those respects have the
 * same canonical form; code → patch returns patches in this form.
 */
export function canonicalPatch(patch: Patch, registry: Registry): Patch {
  const out: Patch = { version: patch.version, nodes: [], edges: [] };
  if (patch.name !== undefined) out.name = patch.name;
  out.nodes = [...patch.nodes].sort((a, b) => compareIds(a.id, b.id)).map((node) => canonicalNode(node, registry));
  out.edges = [...patch.edges].sort(compareEdges).map((e) => ({ from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } }));
  return out;
}

function canonicalNode(node: PatchNode, registry: Registry): PatchNode {
  const out: PatchNode = { id: node.id, type: node.type };
  const defs = registry.node(node.type)?.params ?? [];
  const stored = node.params ?? {};
  const order = [...defs.map((p) => p.id), ...Object.keys(stored).sort()];
  const params: Record<string, ParamValue> = {};
  for (const key of order) {
    if (!Object.hasOwn(stored, key) || Object.hasOwn(params, key)) continue;
    const value = stored[key]!;
    if (defs.find((p) => p.id === key)?.default === value) continue;
    params[key] = structuredClone(value);
  }
  if (Object.keys(params).length > 0) out.params = params;
  if (node.position) out.position = { x: node.position.x, y: node.position.y };
  return out;
}

function compareEdges(a: PatchEdge, b: PatchEdge): number {
  return (
    compareIds(a.to.node, b.to.node) ||
    compareIds(a.to.port, b.to.port) ||
    compareIds(a.from.node, b.from.node) ||
    compareIds(a.from.port, b.from.port)
  );
}
