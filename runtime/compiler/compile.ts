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
  /** The set-up statements at its top (`s0.initVideo(…)`), as nodes gave them. */
  setup: string[];
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
  if (hasErrors(issues)) return { ok: false, code: '', setup: [], nodeLines: {}, issues };

  const nodes = new Map(patch.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, PatchEdge>();
  for (const e of patch.edges) incoming.set(`${e.to.node}\u0000${e.to.port}`, e);
  const memo = new Map<string, string>();
  const sources = assignSources(patch, registry);
  const setups = new Map<string, string[]>();

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
      source: () => {
        const slot = sources.get(node.id);
        if (slot instanceof Error) throw slot;
        if (slot === undefined) throw new Error(`node type ${def.type} does not claim a source (claimsSource)`);
        return slot;
      },
      setup: (statement) => {
        const text = statement.trim();
        if (text.includes('\n')) throw new Error('a set-up statement is one line');
        const list = setups.get(node.id) ?? [];
        if (text && !list.includes(text)) list.push(text);
        setups.set(node.id, list);
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

  // Set-up first (sources bound before any chain reads them), one line each, in node-id order.
  const setup = [...setups.entries()].sort(([a], [b]) => compareIds(a, b)).flatMap(([id, list]) => list.map((text) => ({ id, text })));
  if (setup.length && statements.length && ASI_HAZARD.test(statements[0]!.replace(MARKS, ''))) statements[0] = `;${statements[0]}`;
  const blocks = setup.length ? [setup.map(({ id, text }) => `${MARK_OPEN}${id}${MARK_CLOSE}${text}`).join('\n'), ...statements] : statements;

  const nodeLines: Record<string, number> = {};
  const lines = blocks.join('\n\n').split('\n');
  // One pass per line: each mark is noted (first line wins) and taken out.
  const code = lines
    .map((line, index) =>
      line.replace(MARKS, (_mark, id: string) => {
        if (!(id in nodeLines)) nodeLines[id] = index + 1;
        return '';
      }),
    )
    .join('\n');
  return { ok: true, code: code === '' ? '' : `${code}\n`, setup: setup.map((s) => s.text), nodeLines, issues };
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

/** Where a node's inputs come from while it compiles, and what it may claim and set up. */
interface NodeInputs {
  connected(port: string): boolean;
  upstream(port: string): string | undefined;
  source(): string;
  setup(statement: string): void;
}

/** Hydra's external sources, the ones a `claimsSource` node may bind. */
export const SOURCE_SLOTS = ['s0', 's1', 's2', 's3'] as const;

/**
 * Which external source each `claimsSource` node binds. A node that names a source in its `source`
 * parameter gets it (a second claim on one source is an error for the later node, by id); nodes set
 * to `auto` take, in id order, the lowest source that no node names, so that reading nodes (src(s1)
 * fed by code elsewhere) keep theirs.
 */
function assignSources(patch: Patch, registry: Registry): Map<string, string | Error> {
  const result = new Map<string, string | Error>();
  const named = (node: PatchNode): string | undefined => {
    const value = node.params?.source;
    const def = registry.node(node.type)?.params.find((p) => p.id === 'source');
    const slot = typeof value === 'string' ? value : def?.type === 'choice' ? def.default : undefined;
    return slot && (SOURCE_SLOTS as readonly string[]).includes(slot) ? slot : undefined;
  };
  const ordered = [...patch.nodes].sort((a, b) => compareIds(a.id, b.id));
  const taken = new Map<string, string>();
  for (const node of ordered) {
    const slot = named(node);
    if (slot && !registry.node(node.type)?.claimsSource && !taken.has(slot)) taken.set(slot, node.id);
  }
  const claimers = ordered.filter((n) => registry.node(n.type)?.claimsSource);
  for (const node of claimers) {
    const slot = named(node);
    if (!slot) continue;
    const holder = taken.get(slot);
    const claimed = holder !== undefined && result.get(holder) === slot;
    if (claimed) result.set(node.id, new Error(`${slot} is already bound by node "${holder}"; choose another source`));
    else {
      taken.set(slot, node.id);
      result.set(node.id, slot);
    }
  }
  for (const node of claimers) {
    if (result.has(node.id)) continue;
    const free = SOURCE_SLOTS.find((s) => !taken.has(s));
    if (!free) result.set(node.id, new Error('all four sources s0–s3 are in use by other nodes'));
    else {
      taken.set(free, node.id);
      result.set(node.id, free);
    }
  }
  return result;
}

/** The context a node's compile function gets; shared by whole-patch and single-node compilation. */
function makeContext(node: PatchNode, def: NodeDefinition, inputs: NodeInputs): CompileContext {
  const params = new Map(def.params.map((p) => [p.id, p]));
  const { connected, upstream, source, setup } = inputs;
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
    source,
    setup,
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
  // On its own a node binds the source it names, else s0; its set-up is not part of its text.
  const named = typeof params?.source === 'string' && (SOURCE_SLOTS as readonly string[]).includes(params.source) ? params.source : 's0';
  const text = def.compile(
    makeContext(node, def, {
      connected: (port) => Object.hasOwn(inputs, port),
      upstream: (port) => (Object.hasOwn(inputs, port) ? inputs[port] : undefined),
      source: () => named,
      setup: () => {},
    }),
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

