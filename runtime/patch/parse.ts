import { issue, type PatchIssue } from './issues';
import { migratePatch, patchMigrations, type PatchMigration } from './migrate';
import { PATCH_LIMITS, isExpr, type ParamValue, type Patch, type PatchEdge, type PatchNode } from './schema';

export type ParseResult = { ok: true; patch: Patch; migrated: string[] } | { ok: false; issues: PatchIssue[] };

const ID = /^[A-Za-z0-9_-]+$/;
/** Characters the compiler uses internally to track source lines; never valid in user text. */
const RESERVED = /[\uE000-\uE00F]/;

/**
 * Turns untrusted JSON (a file, a share link, a room document) into a Patch: migrates older formats,
 * refuses newer ones, checks every field's type and size. It does not know node types; see
 * `validatePatch` for that.
 */
export function parsePatch(input: unknown, migrations: readonly PatchMigration[] = patchMigrations): ParseResult {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch (error) {
      return fail('invalid-json', `The file is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isRecord(input)) return fail('not-a-patch', 'A patch must be a JSON object with "version", "nodes" and "edges".');
  const migrated = migratePatch(input, migrations);
  if (!migrated.ok) return fail(migrated.code, migrated.message);
  const raw = migrated.patch;

  const issues: PatchIssue[] = [];
  const name = raw.name;
  if (name !== undefined && (typeof name !== 'string' || name.length > PATCH_LIMITS.nameLength)) {
    issues.push(issue('bad-name', `"name" must be a string of at most ${PATCH_LIMITS.nameLength} characters.`));
  }
  if (!Array.isArray(raw.nodes)) return fail('not-a-patch', '"nodes" must be an array.');
  if (!Array.isArray(raw.edges)) return fail('not-a-patch', '"edges" must be an array.');
  if (raw.nodes.length > PATCH_LIMITS.nodes) return fail('too-many-nodes', `A patch may hold at most ${PATCH_LIMITS.nodes} nodes.`);
  if (raw.edges.length > PATCH_LIMITS.edges) return fail('too-many-edges', `A patch may hold at most ${PATCH_LIMITS.edges} edges.`);

  const nodes: PatchNode[] = [];
  raw.nodes.forEach((n: unknown, index: number) => {
    const node = parseNode(n, index, issues);
    if (node) nodes.push(node);
  });
  const edges: PatchEdge[] = [];
  raw.edges.forEach((e: unknown, index: number) => {
    const edge = parseEdge(e, index, issues);
    if (edge) edges.push(edge);
  });
  if (issues.length) return { ok: false, issues };
  const patch: Patch = { version: raw.version as number, nodes, edges };
  if (typeof name === 'string') patch.name = name;
  return { ok: true, patch, migrated: migrated.applied };
}

function parseNode(n: unknown, index: number, issues: PatchIssue[]): PatchNode | undefined {
  const where = `nodes[${index}]`;
  if (!isRecord(n)) {
    issues.push(issue('bad-node', `${where} must be an object.`));
    return undefined;
  }
  if (!isId(n.id)) {
    issues.push(issue('bad-node-id', `${where}.id must be 1–${PATCH_LIMITS.idLength} letters, digits, "_" or "-".`));
    return undefined;
  }
  const id = n.id;
  if (typeof n.type !== 'string' || n.type.length === 0 || n.type.length > 128) {
    issues.push(issue('bad-node-type', `Node "${id}" has no valid "type".`, { node: id }));
    return undefined;
  }
  const node: PatchNode = { id, type: n.type };
  if (n.position !== undefined) {
    const p = n.position;
    if (!isRecord(p) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      issues.push(issue('bad-position', `Node "${id}" has a position that is not {x, y} numbers.`, { node: id }));
    } else {
      node.position = { x: p.x as number, y: p.y as number };
    }
  }
  if (n.params !== undefined) {
    if (!isRecord(n.params)) {
      issues.push(issue('bad-params', `Node "${id}" has "params" that is not an object.`, { node: id }));
    } else {
      const entries = Object.entries(n.params);
      if (entries.length > PATCH_LIMITS.paramsPerNode) {
        issues.push(issue('bad-params', `Node "${id}" has too many parameters.`, { node: id }));
      }
      const params: Record<string, ParamValue> = {};
      for (const [key, value] of entries) {
        // `params["__proto__"] = …` would replace the object's prototype instead of storing a parameter.
        if (!isId(key) || key === '__proto__') {
          issues.push(issue('bad-param', `Node "${id}" has a parameter name that is not 1–${PATCH_LIMITS.idLength} letters, digits, "_" or "-".`, { node: id }));
          continue;
        }
        const problem = paramProblem(value);
        if (problem) issues.push(issue('bad-param', `Parameter "${key}" of node "${id}" ${problem}.`, { node: id, port: key }));
        else params[key] = value as ParamValue;
      }
      node.params = params;
    }
  }
  return node;
}

function paramProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'must be a finite number';
  if (typeof value === 'string') {
    if (value.length > PATCH_LIMITS.textLength) return `is longer than ${PATCH_LIMITS.textLength} characters`;
    return RESERVED.test(value) ? 'contains reserved characters' : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > PATCH_LIMITS.arrayLength) return `must hold 1–${PATCH_LIMITS.arrayLength} numbers`;
    return value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? undefined : 'must hold only finite numbers';
  }
  if (isExpr(value)) {
    if (Object.keys(value).length !== 1) return 'must be {"expr": "..."} with nothing else';
    if (value.expr.trim().length === 0) return 'has an empty expression';
    if (value.expr.length > PATCH_LIMITS.exprLength) return `has an expression longer than ${PATCH_LIMITS.exprLength} characters`;
    return RESERVED.test(value.expr) ? 'contains reserved characters' : undefined;
  }
  return 'must be a number, a list of numbers, a string or {"expr": "..."}';
}

function parseEdge(e: unknown, index: number, issues: PatchIssue[]): PatchEdge | undefined {
  const where = `edges[${index}]`;
  if (!isRecord(e) || !isPortRef(e.from) || !isPortRef(e.to)) {
    issues.push(issue('bad-edge', `${where} must be {"from": {"node", "port"}, "to": {"node", "port"}} with valid ids.`));
    return undefined;
  }
  return { from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } };
}

function isPortRef(value: unknown): value is { node: string; port: string } {
  return isRecord(value) && isId(value.node) && isId(value.port);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= PATCH_LIMITS.idLength && ID.test(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(code: string, message: string): ParseResult {
  return { ok: false, issues: [issue(code, message)] };
}
