import type { NodeDefinition, NodeKind } from '../../runtime/plugin/types';

export const KIND_ORDER: readonly NodeKind[] = ['source', 'effect', 'combine', 'input', 'trigger', 'output'];

export const KIND_LABEL: Record<NodeKind, string> = {
  source: 'Sources',
  effect: 'Effects',
  combine: 'Combine & modulate',
  input: 'Inputs',
  trigger: 'Triggers',
  output: 'Outputs',
};

/**
 * Palette search: every node of every loaded plugin, filtered by a query and ranked (exact name,
 * then name prefix, then name contains, then type/keyword/description match), grouped by kind.
 */
export function searchNodes(nodes: readonly NodeDefinition[], query: string): Array<{ kind: NodeKind; nodes: NodeDefinition[] }> {
  const q = query.trim().toLowerCase();
  const scored = nodes
    .map((def) => ({ def, score: q === '' ? 1 : score(def, q) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.def.label.localeCompare(b.def.label));
  return KIND_ORDER.map((kind) => ({ kind, nodes: scored.filter((e) => e.def.kind === kind).map((e) => e.def) })).filter((g) => g.nodes.length > 0);
}

function score(def: NodeDefinition, q: string): number {
  const label = def.label.toLowerCase();
  if (label === q) return 100;
  if (label.startsWith(q)) return 80 - Math.min(label.length, 40) / 100;
  if (label.includes(q)) return 60;
  if (def.type.toLowerCase().includes(q)) return 40;
  if (def.keywords?.some((k) => k.toLowerCase().includes(q))) return 30;
  if (def.description?.toLowerCase().includes(q)) return 10;
  return 0;
}

/** The flat order the keyboard walks through (groups one after another). */
export function flatten(groups: ReturnType<typeof searchNodes>): NodeDefinition[] {
  return groups.flatMap((g) => g.nodes);
}
