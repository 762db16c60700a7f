/**
 * The patch format: what a graph is on disk, in share links and in room documents. Plain JSON.
 * Version 1. Later versions add a migration in `migrate.ts`.
 */
export const PATCH_VERSION = 1;

/** A parameter's stored value. `{ expr }` is Hydra/JS source text, e.g. `() => Math.sin(time)`. */
export type ParamValue = number | number[] | string | { expr: string };

export interface PatchNode {
  id: string;
  type: string;
  params?: Record<string, ParamValue>;
  position?: { x: number; y: number };
}

export interface PortRef {
  node: string;
  port: string;
}

export interface PatchEdge {
  from: PortRef;
  to: PortRef;
}

export interface Patch {
  version: number;
  name?: string;
  nodes: PatchNode[];
  edges: PatchEdge[];
}

/** Caps on untrusted input, checked before anything else looks at a patch. */
export const PATCH_LIMITS = {
  nodes: 2000,
  edges: 4000,
  idLength: 64,
  nameLength: 200,
  exprLength: 4000,
  textLength: 4000,
  arrayLength: 256,
  paramsPerNode: 64,
} as const;

export function isExpr(value: unknown): value is { expr: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { expr?: unknown }).expr === 'string';
}
