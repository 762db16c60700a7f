import type { Registry } from '../plugin/registry';
import type { CompileContext, NodeDefinition, ParamDefinition } from '../plugin/types';
import { hasErrors, warning, type PatchIssue } from '../patch/issues';
import { isExpr, type ParamValue, type Patch, type PatchEdge, type PatchNode } from '../patch/schema';
import { validatePatch } from '../patch/validate';
import type { Program } from './program';

/**
 * Private-use characters that never occur in user text (parsePatch refuses them): they let node
 * compile functions stay plain string builders while the compiler still knows where each node's
 * text ends up and how to lay out method chains.
 */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const CHAIN_BREAK = '\uE002';
const MARKS = /\uE000([^\uE001]*)\uE001/g;

/** A statement starting with one of these continues the previous line when there is no semicolon. */
const ASI_HAZARD = /^[([`+\-/]/;

/** What an unconnected texture input compiles to. */
export const DEFAULT_TEXTURE = 'solid()';

export interface CompileResult {
  ok: boolean;
  /** Readable Hydra code: runs unchanged in the hydra web editor. Empty when `ok` is false. */
  code: string;
  /** 1-based line in `code` where each node's own text sits. */
  nodeLines: Record<string, number>;
  issues: PatchIssue[];
}

/**
 * Compiles a patch into Hydra code, deterministically: the same patch always gives the same text.
 * Output nodes become statements in node-id order; each texture chain is laid out one method per
 * line. A node whose compile function throws is reported (naming its plugin) and compiled as its
 * default, so the rest of the graph still runs.
 */
export function compilePatch(patch: Patch, registry: Registry): CompileResult {
  const issues = validatePatch(patch, registry);
  if (hasErrors(issues)) return { ok: false, code: '', nodeLines: {}, issues };

  const nodes = new Map(patch.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, PatchEdge>();
  for (const e of patch.edges) incoming.set(`${e.to.node}\u0000${e.to.port}`, e);
  const memo = new Map<string, string>();

  const compileNode = (node: PatchNode): string => {
    const cached = memo.get(node.id);
    if (cached !== undefined) return cached;
    const def = registry.node(node.type)!;
    let text: string;
    try {
      text = def.compile(contextFor(node, def));
      if (typeof text !== 'string') throw new TypeError(`compile returned ${typeof text}, not a string`);
    } catch (error) {
      const plugin = registry.pluginOf(node.type) ?? 'unknown';
      issues.push(
        warning('node-compile-failed', `Node "${node.id}" (${node.type}) failed to compile and was left out: ${(error as Error).message}`, {
          node: node.id,
          plugin,
        }),
      );
      text = fallbackText(def);
    }
    // The mark goes where the node's own text is: after it when upstream text comes first
    // (`osc()⏎.kaleid()`), before it otherwise, so a script of many lines maps to its first.
    const mark = `${MARK_OPEN}${node.id}${MARK_CLOSE}`;
    const marked = text === '' ? '' : text.includes(MARK_OPEN) ? `${text}${mark}` : `${mark}${text}`;
    memo.set(node.id, marked);
    return marked;
  };

  const contextFor = (node: PatchNode, def: NodeDefinition): CompileContext => {
    const edgeInto = (port: string) => incoming.get(`${node.id}\u0000${port}`);
    return makeContext(node, def, {
      connected: (port) => edgeInto(port) !== undefined,
      upstream: (port) => {
        const edge = edgeInto(port);
        return edge ? compileNode(nodes.get(edge.from.node)!) : undefined;
      },
    });
  };

  const statements: string[] = [];
  const outputs = patch.nodes
    .filter((n) => registry.node(n.type)?.kind === 'output')
    .sort((a, b) => compareIds(a.id, b.id));
  for (const node of outputs) {
    const text = compileNode(node);
    if (text.replace(MARKS, '') === '') {
      issues.push(warning('output-unconnected', `Output node "${node.id}" has nothing connected and renders nothing.`, { node: node.id }));
      continue;
    }
    const statement = text.replaceAll(CHAIN_BREAK, '\n  .');
    // Statements are not separated by semicolons: one that starts like a continuation of the one
    // before (`(a || b).out()` after `x = 1`) would be read as part of it.
    statements.push(statements.length && ASI_HAZARD.test(statement.replace(MARKS, '')) ? `;${statement}` : statement);
  }

  const nodeLines: Record<string, number> = {};
  const lines = statements.join('\n\n').split('\n');
  const code = lines
    .map((line, index) => {
      for (const match of line.matchAll(MARKS)) {
        const id = match[1]!;
        if (!(id in nodeLines)) nodeLines[id] = index + 1;
      }
      return line.replace(MARKS, '');
    })
    .join('\n');
  return { ok: true, code: code === '' ? '' : `${code}\n`, nodeLines, issues };
}

/** Compiles a patch into a program the executor can apply, or returns the issues that stop it. */
export function patchToProgram(patch: Patch, registry: Registry, meta: Omit<Program, 'code' | 'nodeLines'> = {}):
  | { ok: true; program: Program; issues: PatchIssue[] }
  | { ok: false; issues: PatchIssue[] } {
  const result = compilePatch(patch, registry);
  if (!result.ok) return { ok: false, issues: result.issues };
  const program: Program = { ...meta, code: result.code, nodeLines: result.nodeLines };
  if (program.name === undefined && patch.name !== undefined) program.name = patch.name;
  return { ok: true, program, issues: result.issues };
}

/** Where a node's inputs come from while it compiles: whether a port has an edge, and the text fed into it. */
interface NodeInputs {
  connected(port: string): boolean;
  upstream(port: string): string | undefined;
}

/** The context a node's compile function gets; shared by whole-patch and single-node compilation. */
function makeContext(node: PatchNode, def: NodeDefinition, inputs: NodeInputs): CompileContext {
  const params = new Map(def.params.map((p) => [p.id, p]));
  const { connected, upstream } = inputs;
  const stored = (id: string): ParamValue | undefined => (node.params && Object.hasOwn(node.params, id) ? node.params[id] : undefined);
  const paramDef = (id: string): ParamDefinition => {
    const p = params.get(id);
    if (!p) throw new Error(`node type ${def.type} has no parameter "${id}"`);
    return p;
  };
  const number = (id: string): string => {
    const p = paramDef(id);
    if (p.type !== 'number') throw new Error(`parameter "${id}" of ${def.type} is not a number parameter`);
    const fromEdge = upstream(id);
    if (fromEdge !== undefined) return inline(fromEdge);
    const value = stored(id);
    if (value === undefined) return formatValue(p.default);
    if (typeof value === 'string') return formatValue(p.default);
    return formatValue(value);
  };
  return {
    nodeId: node.id,
    chain,
    inline,
    texture: (port) => upstream(port) ?? DEFAULT_TEXTURE,
    connected,
    number,
    choice: (id) => {
      const p = paramDef(id);
      const value = stored(id);
      return typeof value === 'string' ? value : String(p.default);
    },
    args: (ids) => {
      const parts = ids.map((id) => {
        const p = paramDef(id);
        if (p.type !== 'number') throw new Error(`parameter "${id}" of ${def.type} is not a number parameter`);
        const value = stored(id);
        const isDefault = !connected(id) && (value === undefined || (typeof value === 'number' && value === p.default));
        return { text: number(id), isDefault };
      });
      while (parts.length && parts[parts.length - 1]!.isDefault) parts.pop();
      return parts.map((p) => p.text).join(', ');
    },
  };
}

/**
 * Compiles one node on its own, with the given source text on its connected inputs (`{ in: 'x' }`)
 * and chains laid out inline. The code → patch parser uses it to learn how each node reads as code
 * from the node's own compile function, so the two directions cannot drift apart. Throws what the
 * node's compile function throws.
 */
export function compileNodeText(def: NodeDefinition, params: PatchNode['params'] = {}, inputs: Readonly<Record<string, string>> = {}): string {
  const node: PatchNode = { id: '', type: def.type, params };
  const text = def.compile(
    makeContext(node, def, { connected: (port) => Object.hasOwn(inputs, port), upstream: (port) => (Object.hasOwn(inputs, port) ? inputs[port] : undefined) }),
  );
  if (typeof text !== 'string') throw new TypeError(`compile returned ${typeof text}, not a string`);
  return inline(text);
}

function chain(base: string, call: string): string {
  return `${base}${CHAIN_BREAK}${call}`;
}

function inline(text: string): string {
  return text.replaceAll(CHAIN_BREAK, '.');
}

export function formatValue(value: Exclude<ParamValue, string>): string {
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map(formatNumber).join(', ')}]`;
  if (isExpr(value)) return value.expr.trim();
  throw new TypeError('not a parameter value');
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`${n} is not a finite number`);
  return Object.is(n, -0) ? '0' : String(n);
}

function fallbackText(def: NodeDefinition): string {
  if (def.kind === 'output') return '';
  const out = def.outputs[0];
  // Number outputs are always functions (`() => …`); consumers such as the lfo call them.
  if (out?.type === 'number') return '() => 0';
  return DEFAULT_TEXTURE;
}

/** One collator for every comparison: `localeCompare` with options builds a new one each call. */
const NATURAL = new Intl.Collator('en', { numeric: true });

/** Natural order, so `n2` sorts before `n10`. The compiler writes output statements in this order. */
export function compareIds(a: string, b: string): number {
  // `o01` and `o1` collate as equal: fall back to code-unit order so the input order never matters.
  return NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

