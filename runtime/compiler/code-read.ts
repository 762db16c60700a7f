import type { CallExpression, Expression, Node, Program, SpreadElement, Statement } from 'acorn';
import { issue, type PatchIssue } from '../patch/issues';
import { PATCH_LIMITS, type ParamValue } from '../patch/schema';
import { expressionProblem } from '../patch/validate';
import { CODE_NODE, CODE_PARAM, SCRIPT_NODE, type CallForm, type CodeForms } from './code-forms';

/**
 * Reads a parsed Hydra program into a forest of node trees, one tree a statement, before any ids
 * exist: `<chain>.out(o1)` and `render(o1)` become output nodes over their chains; runs of other
 * statements become script nodes; texture expressions no node expresses become code nodes.
 */

/** A node read from code. The tree shape is the code's shape: a node used twice appears twice. */
export interface ReadNode {
  type: string;
  params: Record<string, ParamValue>;
  /** Upstream nodes by input port, in argument order (the receiver of a method call first). */
  inputs: Array<{ port: string; node: ReadNode }>;
  /** Where its text starts in the code. */
  start: number;
  /** The output port edges leave from. */
  output: string;
  /** For a value node (lfo) read from an arrow function: that function's text, in case it stays an expression. */
  expr?: string;
}

export interface ReadResult {
  statements: ReadNode[];
  /** Errors only: text a patch cannot hold. */
  issues: PatchIssue[];
}

export function readProgram(code: string, program: Program, forms: CodeForms, outputOf: (type: string) => string): ReadResult {
  const issues: PatchIssue[] = [];
  const statements: ReadNode[] = [];
  const source = (node: Node) => code.slice(node.start, node.end);


  const codeNode = (expr: Node): ReadNode => {
    const text = source(expr);
    if (text.length > PATCH_LIMITS.textLength) throw new Unreadable();
    return { type: CODE_NODE, params: { [CODE_PARAM]: text }, inputs: [], start: expr.start, output: outputOf(CODE_NODE) };
  };

  /** Any expression as a texture: a chain of known calls becomes nodes, anything else a code node. */
  const readTexture = (expr: Expression): ReadNode => {
    const call = callOf(expr);
    if (call) {
      for (const form of forms.calls(call.name, call.receiver !== undefined)) {
        if (!form.statement && fits(form, call.node, source)) return build(form, call.node, call.receiver);
      }
    }
    return codeNode(expr);
  };

  const readNumber = (arg: Expression): { value: ParamValue } | { node: ReadNode } => {
    const constant = numbersOf(arg);
    if (constant !== undefined) return { value: constant };
    const text = source(arg);
    if (arg.type === 'ArrowFunctionExpression') {
      const match = forms.matchValue(text);
      if (match) return { node: { type: match.type, params: match.params, inputs: [], start: arg.start, output: match.port, expr: text } };
    }
    // `await x` is fine in a top-level statement but not as a patch's expression: keep the statement as script.
    if (text.length > PATCH_LIMITS.exprLength || expressionProblem(text)) throw new Unreadable();
    return { value: { expr: text } };
  };

  const build = (form: CallForm, call: CallExpression, receiver: Expression | undefined): ReadNode => {
    const node: ReadNode = { type: form.type, params: { ...form.choices }, inputs: [], start: call.start, output: outputOf(form.type) };
    if (form.receiver && receiver) node.inputs.push({ port: form.receiver, node: readTexture(receiver) });
    form.slots.forEach((slot, i) => {
      const arg = call.arguments[i] as Expression | undefined;
      if (slot.kind === 'choice' || !arg) return; // choices are the form's; a number left out takes its default
      if (slot.kind === 'texture') node.inputs.push({ port: slot.port, node: readTexture(arg) });
      else {
        const read = readNumber(arg);
        if ('value' in read) node.params[slot.param] = read.value;
        else node.inputs.push({ port: slot.param, node: read.node });
      }
    });
    return node;
  };

  /** `<chain>.out(o1)`, `render(o1)`: an output node over its chain. */
  const readOutput = (statement: Statement): ReadNode | undefined => {
    if (statement.type !== 'ExpressionStatement') return undefined;
    const call = callOf(statement.expression);
    if (!call) return undefined;
    const form = forms.calls(call.name, call.receiver !== undefined).find((f) => f.statement && fits(f, call.node, source));
    try {
      return form && build(form, call.node, call.receiver);
    } catch (error) {
      if (error instanceof Unreadable) return undefined;
      throw error;
    }
  };

  let run: Statement[] = [];
  const flush = () => {
    for (const chunk of chunks(run)) {
      const first = chunk[0]!;
      const text = code.slice(first.start, chunk.at(-1)!.end);
      if (text.length > PATCH_LIMITS.textLength) {
        issues.push(issue('code-too-long', `This statement is longer than ${PATCH_LIMITS.textLength} characters, more than a patch can hold.`, at(code, first.start)));
      }
      statements.push({ type: SCRIPT_NODE, params: { [CODE_PARAM]: text }, inputs: [], start: first.start, output: outputOf(SCRIPT_NODE) });
    }
    run = [];
  };
  for (const statement of program.body as Statement[]) {
    const output = readOutput(statement);
    if (output) {
      flush();
      statements.push(output);
    } else if (statement.type !== 'EmptyStatement' || run.length > 0) {
      run.push(statement);
    }
  }
  flush();
  return { statements, issues };
}

/** Thrown when part of a statement cannot be held by a node, so the whole statement stays a script. */
class Unreadable extends Error {}

/** A plain call `name(…)` or `<receiver>.name(…)`; computed and optional calls are not chains. */
function callOf(expr: Expression): { node: CallExpression; name: string; receiver?: Expression } | undefined {
  if (expr.type !== 'CallExpression' || expr.optional) return undefined;
  const callee = expr.callee;
  if (callee.type === 'Identifier') return { node: expr, name: callee.name };
  if (callee.type === 'MemberExpression' && !callee.computed && !callee.optional && callee.property.type === 'Identifier' && callee.object.type !== 'Super') {
    return { node: expr, name: callee.property.name, receiver: callee.object };
  }
  return undefined;
}

/** Whether a call's arguments fit a form: not too many, no spread, every choice written as the form spells it. */
function fits(form: CallForm, call: CallExpression, source: (node: Node) => string): boolean {
  const args = call.arguments;
  if (args.length > form.slots.length || args.some((a) => a.type === 'SpreadElement')) return false;
  return form.slots.every((slot, i) => {
    const arg = args[i] as Expression | SpreadElement | undefined;
    if (slot.kind === 'choice') return arg !== undefined && source(arg) === slot.text;
    return slot.kind !== 'texture' || arg !== undefined;
  });
}

/** A number (`-0.5`) or a list of numbers written out (`[1, 2, 3]`); anything else is an expression. */
function numbersOf(expr: Expression): number | number[] | undefined {
  if (expr.type === 'ArrayExpression') {
    if (expr.elements.length === 0 || expr.elements.length > PATCH_LIMITS.arrayLength) return undefined;
    const values: number[] = [];
    for (const element of expr.elements) {
      const value = element && element.type !== 'SpreadElement' ? numberOf(element) : undefined;
      if (value === undefined) return undefined;
      values.push(value);
    }
    return values;
  }
  return numberOf(expr);
}

function numberOf(expr: Expression): number | undefined {
  const negative = expr.type === 'UnaryExpression' && expr.operator === '-';
  const literal = negative ? expr.argument : expr;
  if (literal.type !== 'Literal' || typeof literal.value !== 'number' || !Number.isFinite(literal.value)) return undefined;
  // -0 reads back as 0: the compiler writes both as `0`.
  return negative ? 0 - literal.value : literal.value;
}

/**
 * Splits a run of statements into script-node-sized pieces at statement boundaries. A lone
 * statement that is too long stays whole and is reported by the caller.
 */
function chunks(run: Statement[]): Statement[][] {
  while (run.length && run.at(-1)!.type === 'EmptyStatement') run = run.slice(0, -1);
  const out: Statement[][] = [];
  for (const statement of run) {
    const current = out.at(-1);
    if (current && statement.end - current[0]!.start <= PATCH_LIMITS.textLength) current.push(statement);
    else if (statement.type !== 'EmptyStatement') out.push([statement]); // a piece never starts with a bare `;`
  }
  return out;
}

/** 1-based line and column of an offset. */
export function at(code: string, offset: number): { line: number; column: number } {
  const before = code.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
