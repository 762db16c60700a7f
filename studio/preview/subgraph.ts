import type { Patch } from '../../runtime/patch/schema';
import type { Registry } from '../../runtime/plugin/registry';

/**
 * The part of a patch that makes one node's picture: the node, everything upstream of it, and an
 * output fed by it. For the selected node's thumbnail. Output nodes show what feeds them; nodes
 * without a texture output (LFOs) have no picture.
 */
export function upstreamPatch(patch: Patch, nodeId: string, registry: Registry): Patch | undefined {
  const node = patch.nodes.find((n) => n.id === nodeId);
  const def = node && registry.node(node.type);
  if (!node || !def) return undefined;
  let target = node.id;
  if (def.kind === 'output') {
    const feeding = patch.edges.find((e) => e.to.node === node.id && e.to.port === 'in');
    if (!feeding) return undefined;
    target = feeding.from.node;
  }
  const targetNode = patch.nodes.find((n) => n.id === target);
  const port = targetNode && registry.node(targetNode.type)?.outputs.find((p) => p.type === 'texture');
  if (!port) return undefined;

  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const e of patch.edges) if (e.to.node === id) visit(e.from.node);
  };
  visit(target);
  const outId = '__thumbnail_out';
  return {
    version: patch.version,
    nodes: [...patch.nodes.filter((n) => keep.has(n.id)), { id: outId, type: 'hydra-core/out' }],
    edges: [...patch.edges.filter((e) => keep.has(e.to.node) && keep.has(e.from.node)), { from: { node: target, port: port.id }, to: { node: outId, port: 'in' } }],
  };
}
