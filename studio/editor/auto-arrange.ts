import type { Patch } from '../../runtime/patch/schema';

const COLUMN = 280;
const GAP = 28;

/**
 * Lays a patch out left to right: each node in the column of its longest path from a source, and
 * within a column ordered by where its inputs sit (fewer crossing wires). `heightOf` gives a
 * node's height so stacked nodes do not overlap.
 */
export function autoArrange(patch: Patch, heightOf: (id: string) => number): Map<string, { x: number; y: number }> {
  const incoming = new Map<string, string[]>();
  for (const e of patch.edges) incoming.set(e.to.node, [...(incoming.get(e.to.node) ?? []), e.from.node]);
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen = new Set<string>()): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle (invalid patch): do not loop
    seen.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map((from) => depthOf(from, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  for (const n of patch.nodes) depthOf(n.id);

  const columns = new Map<number, string[]>();
  for (const n of patch.nodes) {
    const d = depth.get(n.id) ?? 0;
    columns.set(d, [...(columns.get(d) ?? []), n.id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const d of [...columns.keys()].sort((a, b) => a - b)) {
    const ids = columns.get(d)!;
    const anchor = (id: string) => {
      const ys = (incoming.get(id) ?? []).map((from) => positions.get(from)?.y).filter((y): y is number => y !== undefined);
      return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Number.MAX_SAFE_INTEGER;
    };
    ids.sort((a, b) => anchor(a) - anchor(b) || a.localeCompare(b, 'en', { numeric: true }));
    let y = 0;
    for (const id of ids) {
      positions.set(id, { x: d * COLUMN, y });
      y += heightOf(id) + GAP;
    }
  }
  return positions;
}
