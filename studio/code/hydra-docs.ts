import type { Registry } from '../../runtime/plugin/registry';
import type { NodeDefinition, ParamDefinition } from '../../runtime/plugin/types';
import { GLOBAL_MEMBERS, HYDRA_GLOBALS, type GlobalSpec } from './hydra-globals';

/**
 * Completion and hover texts for Hydra code, built from the plugin registry so that every function
 * a plugin adds (and every default or range it changes) shows up without a hand-written list.
 * Pure: no Monaco here, so it is unit-tested in node.
 */

export type HydraDocKind = 'source' | 'method' | 'global' | 'member';

export interface HydraParamDoc {
  name: string;
  /** Default as hydra code (`60`, `o0`), when there is one. */
  default?: string;
  /** One short line: slider range or allowed values. */
  note?: string;
}

export interface HydraDoc {
  name: string;
  kind: HydraDocKind;
  /** `osc(frequency = 60, sync = 0.1, offset = 0)`; methods without the leading dot. */
  signature: string;
  /** Markdown: a one-line description, then the parameters. */
  documentation: string;
  /** Monaco snippet text: `osc($0)` for functions, the bare name otherwise. */
  insertText: string;
  /** Parameters in call order, for signature help; empty for non-functions. */
  params: readonly HydraParamDoc[];
  /** For members: the global they belong to (`s0`, `a`, `mouse`). */
  of?: string;
  /** The node type the entry comes from, when it comes from the registry. */
  nodeType?: string;
}

/** Node descriptions of hydra-core's function nodes: "Hydra coord function: kaleid(nSides = 4)". */
const FUNCTION_DESCRIPTION = /^Hydra (\w+) function: ([A-Za-z_$][\w$]*)\((.*)\)\s*$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** What each of hydra's function types does, as the doc line (the table itself has no prose). */
const TYPE_LINES: Record<string, string> = {
  src: 'Source: starts a texture chain.',
  coord: 'Geometry: transforms the coordinates of the chain.',
  color: 'Colour: changes the colours of the chain.',
  combine: 'Blend: combines the chain with another texture.',
  combineCoord: 'Modulate: displaces the chain by the values of another texture.',
};

export function hydraDocs(registry: Registry): HydraDoc[] {
  const docs: HydraDoc[] = [];
  for (const node of registry.nodes()) {
    const doc = functionDoc(node) ?? outputDoc(node);
    if (doc) docs.push(doc);
  }
  const topLevel = new Set(docs.filter((d) => d.kind !== 'method').map((d) => d.name));
  for (const g of HYDRA_GLOBALS) if (!topLevel.has(g.name)) docs.push(globalDoc(g, 'global'));
  for (const [of, members] of Object.entries(GLOBAL_MEMBERS)) {
    for (const m of members) docs.push({ ...globalDoc(m, 'member'), of });
  }
  return docs;
}

/** A node from hydra's function table; its description carries hydra's own signature. */
function functionDoc(node: NodeDefinition): HydraDoc | undefined {
  const match = FUNCTION_DESCRIPTION.exec(node.description ?? '');
  if (!match) return undefined;
  const [, type = '', name = '', args = ''] = match;
  const params = args
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .map((arg): HydraParamDoc => {
      const [paramName = arg, def] = arg.split('=').map((s) => s.trim());
      const param = node.params.find((p) => p.id === paramName);
      return withNote({ name: paramName, ...(def !== undefined ? { default: def } : {}) }, param, paramName);
    });
  const kind = type === 'src' ? 'source' : 'method';
  return makeDoc(name, kind, params, TYPE_LINES[type] ?? `Hydra ${type} function.`, node.type);
}

/** Output nodes named like a function (`out`, `render`): a method when they take a chain, else a global. */
function outputDoc(node: NodeDefinition): HydraDoc | undefined {
  if (node.kind !== 'output' || !IDENTIFIER.test(node.label)) return undefined;
  const params = node.params.map((p) => withNote({ name: p.id, default: String(p.default) }, p, p.id));
  const kind = node.inputs.some((i) => i.type === 'texture') ? 'method' : 'global';
  return makeDoc(node.label, kind, params, node.description ?? '', node.type);
}

function withNote(doc: HydraParamDoc, param: ParamDefinition | undefined, name: string): HydraParamDoc {
  if (param?.type === 'number') return { ...doc, note: `slider ${param.min}–${param.max}` };
  if (param?.type === 'choice') return { ...doc, note: param.options.join(' | ') };
  if (name === 'texture') return { ...doc, note: 'a texture: a chain such as `noise(3)`, or `o1`' };
  return doc;
}

function makeDoc(name: string, kind: HydraDocKind, params: HydraParamDoc[], line: string, nodeType: string): HydraDoc {
  const signature = `${name}(${params.map((p) => (p.default !== undefined ? `${p.name} = ${p.default}` : p.name)).join(', ')})`;
  return { name, kind, signature, documentation: documentation(line, params), insertText: `${snippetEscape(name)}($0)`, params, nodeType };
}

function globalDoc(g: GlobalSpec, kind: HydraDocKind): HydraDoc {
  return {
    name: g.name,
    kind,
    signature: g.signature,
    documentation: g.doc,
    insertText: g.callable ? `${snippetEscape(g.name)}($0)` : snippetEscape(g.name),
    params: g.callable ? paramsOf(g.signature) : [],
  };
}

/** Parameter names of a hand-written signature (`setResolution(width, height)`). */
function paramsOf(signature: string): HydraParamDoc[] {
  const inner = /\((.*)\)/.exec(signature)?.[1] ?? '';
  // An object pattern (`{ name, type }`) is one parameter.
  if (inner.trim().startsWith('{')) return [{ name: inner.trim() }];
  return inner.split(',').map((s) => s.trim()).filter(Boolean).map((name) => ({ name }));
}

function documentation(line: string, params: readonly HydraParamDoc[]): string {
  const rows = params.map((p) => `- \`${p.name}\`${p.default !== undefined ? ` = ${p.default}` : ''}${p.note ? ` — ${p.note}` : ''}`);
  return [line, ...(rows.length ? ['', ...rows] : [])].join('\n');
}

function snippetEscape(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

/** Hover markdown: the signature as code, then the documentation. */
export function hoverMarkdown(doc: HydraDoc): string {
  const prefix = doc.kind === 'method' ? '.' : '';
  return ['```js', `${prefix}${doc.signature}`, '```', doc.documentation].join('\n');
}
