import type { PatchEdge, PatchNode } from '../patch/schema';

/** Grid of the starter patches: one column per step along a chain, one row per branch. */
export const COLUMN_WIDTH = 220;
export const ROW_HEIGHT = 160;

/**
 * Places nodes that have no position, left to right by depth (the longest path from a source), so
 * a chain reads as a row ending in its output; a node's first input sits on its row, further
 * inputs on the rows below. Statements start below everything placed before them. Nodes that have
 * a position keep it, and new nodes take the free cells around them.
 */
export function layout(nodes: readonly PatchNode[], edges: readonly PatchEdge[], roots: readonly string[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const inputs = new Map<string, string[]>();
  for (const e of edges) inputs.set(e.to.node, [...(inputs.get(e.to.node) ?? []), e.from.node]);

  const depths = new Map<string, number>();
  const depth = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    depths.set(id, 0); // a cycle (never produced from code) stops here instead of recursing forever
    const d = Math.max(-1, ...(inputs.get(id) ?? []).map(depth)) + 1;
    depths.set(id, d);
    return d;
  };

  const occupied = new Set<string>();
  let lowest = -1;
  const occupy = (column: number, row: number) => {
    occupied.add(`${column},${row}`);
    lowest = Math.max(lowest, row);
  };
  for (const n of nodes) if (n.position) occupy(Math.round(n.position.x / COLUMN_WIDTH), Math.round(n.position.y / ROW_HEIGHT));

  const visited = new Set<string>();
  const place = (id: string, wanted: number) => {
    const node = byId.get(id);
    if (!node || visited.has(id)) return;
    visited.add(id);
    let row: number;
    if (node.position) row = Math.round(node.position.y / ROW_HEIGHT);
    else {
      const column = depth(id);
      row = wanted;
      while (occupied.has(`${column},${row}`)) row++;
      occupy(column, row);
      node.position = { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT };
    }
    (inputs.get(id) ?? []).forEach((from, i) => place(from, row + i));
  };
  for (const root of roots) place(root, byId.get(root)?.position ? 0 : lowest + 1);
}
