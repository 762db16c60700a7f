import { parseExpressionAt, tokenizer, type Expression, type Node } from 'acorn';
import type { ParamValue } from '../patch/schema';
import type { Registry } from '../plugin/registry';
import type { NodeDefinition } from '../plugin/types';
import { compileNodeText } from './compile';

/**
 * How each hydra-core node reads as code, learnt by compiling the node itself with recognisable
 * stand-ins (sentinel numbers, placeholder textures) and looking at the text it gives. The
 * code → patch parser matches code against these forms, so it follows the node definitions and
 * cannot drift from the compiler.
 */

/** The plugin whose nodes code is read into. Other plugins' nodes compile to code this parser keeps as code. */
export const HYDRA_CORE = 'hydra-core';
/** What code that no node expresses becomes: a texture expression, or top-level statements. */
export const CODE_NODE = `${HYDRA_CORE}/code`;
export const SCRIPT_NODE = `${HYDRA_CORE}/script`;
/** The text parameter both of them hold their code in. */
export const CODE_PARAM = 'code';

/** One argument position of a call. */
export type Slot =
  | { kind: 'texture'; port: string }
  | { kind: 'number'; param: string }
  /** A choice written as a fixed word, e.g. `o1` in `src(o1)` (the form's `choices` holds its value). */
  | { kind: 'choice'; param: string; text: string };

/** A call that one node compiles to: `osc(…)`, `<in>.kaleid(…)`, `<in>.out(o1)`, `render()`. */
export interface CallForm {
  type: string;
  /** The function or method name. */
  name: string;
  /** For method calls, the texture input fed by the expression before the dot. */
  receiver?: string;
  slots: readonly Slot[];
  /** The choice this form was compiled with, also when the code leaves it out (`render()` is `all`). */
  choices: Readonly<Record<string, string>>;
  /** Output nodes are whole top-level statements; the others are texture expressions. */
  statement: boolean;
}

/** A node with a number output (the lfo), read back from the arrow function it compiles to. */
export interface ValueMatch {
  type: string;
  /** Its output port, to connect to the number input the function was written into. */
  port: string;
  params: Record<string, ParamValue>;
}

export interface CodeForms {
  /** Forms for a function call (`method` false) or a method call (`method` true) by name. */
  calls(name: string, method: boolean): readonly CallForm[];
  /** The number-output node whose compiled text this arrow function is, if any. */
  matchValue(source: string): ValueMatch | undefined;
  /** Whether the registry has the nodes that keep unexpressible code (they are the fallback for everything). */
  readonly hasCodeNodes: boolean;
}

/** Stand-in numbers for probing: no compile function writes these by itself. */
const SENTINEL_BASE = 9_137_001;
const cache = new WeakMap<Registry, CodeForms>();

export function codeForms(registry: Registry): CodeForms {
  const cached = cache.get(registry);
  if (cached) return cached;
  const calls = new Map<string, CallForm[]>();
  const values: ValueTemplate[] = [];
  for (const def of registry.nodes()) {
    if (registry.pluginOf(def.type) !== HYDRA_CORE) continue;
    try {
      if (def.inputs.length === 0 && def.outputs.length === 1 && def.outputs[0]!.type === 'number') values.push(...valueTemplates(def));
      else {
        for (const form of callForms(def)) {
          const k = key(form.name, form.receiver !== undefined);
          calls.set(k, [...(calls.get(k) ?? []), form]);
        }
      }
    } catch {
      // A node whose compile function throws on plain values is never read back from code.
    }
  }
  const forms: CodeForms = {
    calls: (name, method) => calls.get(key(name, method)) ?? [],
    matchValue: (source) => matchValue(values, source),
    hasCodeNodes: registry.node(CODE_NODE) !== undefined && registry.node(SCRIPT_NODE) !== undefined,
  };
  cache.set(registry, forms);
  return forms;
}

const key = (name: string, method: boolean) => `${method ? '.' : ''}${name}`;

/** Probes one node: compiles it once per choice option with sentinel numbers and placeholder textures. */
function callForms(def: NodeDefinition): CallForm[] {
  if (def.params.some((p) => p.type === 'text')) return [];
  const choices = def.params.filter((p) => p.type === 'choice');
  if (choices.length > 1) return []; // no hydra-core node has two; reading them back would need every combination
  const choice = choices[0];
  const textures = def.inputs.filter((p) => p.type === 'texture');
  if (textures.length !== def.inputs.length) return [];
  const placeholders = Object.fromEntries(textures.map((p, i) => [p.id, `__patchroomTexture${i}`]));
  const numbers: Record<string, ParamValue> = {};
  const sentinels = new Map<number, string>();
  def.params.forEach((p, i) => {
    if (p.type !== 'number') return;
    numbers[p.id] = SENTINEL_BASE + i;
    sentinels.set(SENTINEL_BASE + i, p.id);
  });
  const probed: Array<{ option: string | undefined; form: CallForm }> = [];
  for (const option of choice ? choice.options : [undefined]) {
    const params = choice && option !== undefined ? { ...numbers, [choice.id]: option } : numbers;
    const text = compileNodeText(def, params, placeholders);
    const form = readProbe(def, text, placeholders, sentinels, choice && option !== undefined ? { param: choice.id, value: option } : undefined);
    if (form) probed.push({ option, form });
  }
  const forms = probed.map((p) => p.form);
  // `.out()` leaves out its default `o0`, but people write `.out(o0)`: accept the default spelled out
  // when every other option is spelled as one more, last argument.
  const plain = probed.filter((p) => !p.form.slots.some((s) => s.kind === 'choice'));
  if (choice && plain.length === 1 && plain[0]!.option === choice.default) {
    const base = plain[0]!.form;
    const others = forms.filter((f) => f !== base);
    if (others.length > 0 && others.every((f) => f.slots.length === base.slots.length + 1 && f.slots.at(-1)!.kind === 'choice')) {
      forms.push({ ...base, slots: [...base.slots, { kind: 'choice', param: choice.id, text: choice.default }] });
    }
  }
  return forms;
}

/** Reads a probe's compiled text back into a form, or undefined when it is not one plain call. */
function readProbe(
  def: NodeDefinition,
  text: string,
  placeholders: Record<string, string>,
  sentinels: Map<number, string>,
  choice: { param: string; value: string } | undefined,
): CallForm | undefined {
  const call = parseWhole(text);
  if (call?.type !== 'CallExpression' || call.optional) return undefined;
  const portOf = (node: Node) => (node.type === 'Identifier' ? Object.keys(placeholders).find((p) => placeholders[p] === (node as Node & { name: string }).name) : undefined);
  let name: string;
  let receiver: string | undefined;
  if (call.callee.type === 'Identifier') name = call.callee.name;
  else if (call.callee.type === 'MemberExpression' && !call.callee.computed && call.callee.property.type === 'Identifier') {
    name = call.callee.property.name;
    receiver = portOf(call.callee.object);
    if (!receiver) return undefined;
  } else return undefined;
  const slots: Slot[] = [];
  for (const arg of call.arguments) {
    const port = portOf(arg);
    const source = text.slice(arg.start, arg.end);
    if (port) slots.push({ kind: 'texture', port });
    else if (arg.type === 'Literal' && typeof arg.value === 'number' && sentinels.has(arg.value)) slots.push({ kind: 'number', param: sentinels.get(arg.value)! });
    else if (choice && source === choice.value) slots.push({ kind: 'choice', param: choice.param, text: source });
    else return undefined;
  }
  const form: CallForm = { type: def.type, name, slots, choices: choice ? { [choice.param]: choice.value } : {}, statement: def.kind === 'output' };
  if (receiver) form.receiver = receiver;
  return form;
}

function parseWhole(text: string): Expression | undefined {
  try {
    const node = parseExpressionAt(text, 0, { ecmaVersion: 'latest' });
    return text.slice(node.end).trim() === '' ? node : undefined;
  } catch {
    return undefined;
  }
}

interface Token {
  label: string;
  value: unknown;
}

interface ValueTemplate {
  def: NodeDefinition;
  tokens: Token[];
  /** Token index → the number parameter whose sentinel stands there. */
  holes: Map<number, string>;
  /** The choices and special numbers this template was compiled with. */
  fixed: Record<string, ParamValue>;
}

/**
 * Templates for a number-output node: its compile text for every choice option and for every
 * number parameter either a sentinel (any number fits there) or 0 or 1, the values a compile
 * function typically writes differently (the lfo leaves out `offset 0 +` and `1 *`).
 */
function valueTemplates(def: NodeDefinition): ValueTemplate[] {
  let combos: Array<{ fixed: Record<string, ParamValue>; holes: Record<string, number> }> = [{ fixed: {}, holes: {} }];
  def.params.forEach((p, i) => {
    if (p.type === 'text') combos = [];
    else if (p.type === 'choice') combos = combos.flatMap((c) => p.options.map((o) => ({ fixed: { ...c.fixed, [p.id]: o }, holes: c.holes })));
    else {
      combos = combos.flatMap((c) => [
        { fixed: c.fixed, holes: { ...c.holes, [p.id]: SENTINEL_BASE + i } },
        { fixed: { ...c.fixed, [p.id]: 0 }, holes: c.holes },
        { fixed: { ...c.fixed, [p.id]: 1 }, holes: c.holes },
      ]);
    }
  });
  const seen = new Set<string>();
  const templates: ValueTemplate[] = [];
  for (const { fixed, holes } of combos) {
    const tokens = tokens_(compileNodeText(def, { ...fixed, ...holes }));
    if (!tokens) continue;
    const signature = JSON.stringify(tokens);
    if (seen.has(signature)) continue;
    seen.add(signature);
    const byValue = new Map(Object.entries(holes).map(([id, v]) => [v, id]));
    const holeAt = new Map<number, string>();
    tokens.forEach((t, i) => {
      if (t.label === 'num' && byValue.has(t.value as number)) holeAt.set(i, byValue.get(t.value as number)!);
    });
    templates.push({ def, tokens, holes: holeAt, fixed });
  }
  return templates;
}

/** Matches arrow-function source against the templates, then checks that compiling the match gives the same tokens. */
function matchValue(templates: readonly ValueTemplate[], source: string): ValueMatch | undefined {
  const tokens = tokens_(source);
  if (!tokens) return undefined;
  for (const template of templates) {
    // each hole takes one or two tokens
    if (tokens.length < template.tokens.length || tokens.length > template.tokens.length + template.holes.size) continue;
    const params = fill(template, tokens);
    if (!params) continue;
    const again = tokens_(compileNodeText(template.def, params));
    if (again && sameTokens(again, tokens)) return { type: template.def.type, port: template.def.outputs[0]!.id, params };
  }
  return undefined;
}

function fill(template: ValueTemplate, tokens: readonly Token[]): Record<string, ParamValue> | undefined {
  const params: Record<string, ParamValue> = { ...template.fixed };
  let j = 0;
  for (let i = 0; i < template.tokens.length; i++) {
    const hole = template.holes.get(i);
    if (hole === undefined) {
      if (!tokens[j] || !sameToken(template.tokens[i]!, tokens[j]!)) return undefined;
      j++;
      continue;
    }
    // A hole takes a number, or a minus sign and a number (compile writes negative numbers as `-0.5`).
    const negative = tokens[j]?.label === '+/-' && tokens[j]!.value === '-';
    const num = tokens[negative ? j + 1 : j];
    if (num?.label !== 'num' || typeof num.value !== 'number') return undefined;
    const value = negative ? -num.value : num.value;
    if (hole in params && params[hole] !== value) return undefined;
    params[hole] = value;
    j += negative ? 2 : 1;
  }
  return j === tokens.length ? params : undefined;
}

/** Source text as tokens, so that spacing, comments and `0.50` vs `0.5` do not matter. */
function tokens_(source: string): Token[] | undefined {
  try {
    return [...tokenizer(source, { ecmaVersion: 'latest' })].map((t) => ({ label: t.type.label, value: (t as unknown as { value: unknown }).value }));
  } catch {
    return undefined;
  }
}

const sameToken = (a: Token, b: Token) => a.label === b.label && a.value === b.value;
const sameTokens = (a: readonly Token[], b: readonly Token[]) => a.length === b.length && a.every((t, i) => sameToken(t, b[i]!));
