import { parseExpressionAt, type Node } from 'acorn';
import { DEFAULT_TEXTURE } from '../../runtime/compiler/compile';
import { PATCH_LIMITS } from '../../runtime/patch/schema';
import type { NodeDefinition } from '../../runtime/plugin/types';

/**
 * Nodes that hold Hydra code the graph cannot express, so that code → patch never loses anything:
 * `code` is a texture written as an expression (`myTex(3)`, `o1`, a `setFunction` effect applied
 * to a chain); `script` is whole statements (`speed = 2`, `a.setBins(4)`, loops), placed among the
 * `.out()` statements by its node id like every output node. Both compile to their text verbatim.
 */
export function codeNodes(plugin: string): NodeDefinition[] {
  return [
    {
      type: `${plugin}/code`,
      kind: 'source',
      label: 'code',
      description: 'A texture written as Hydra code, e.g. myTex(3) or src(o0).myEffect(2); chain effects after it',
      keywords: ['expression', 'custom', 'javascript', 'hydra'],
      inputs: [],
      outputs: [{ id: 'out', type: 'texture', label: 'texture' }],
      params: [{ id: 'code', type: 'text', label: 'expression', default: '', maxLength: PATCH_LIMITS.textLength }],
      compile(ctx) {
        const text = ctx.choice('code').trim();
        if (text === '') return DEFAULT_TEXTURE;
        // Effects are appended as `.kaleid()`: `a || b` must become `(a || b).kaleid()`, not `a || b.kaleid()`.
        return isReceiver(text) ? text : `(${text})`;
      },
    },
    {
      type: `${plugin}/script`,
      kind: 'output',
      label: 'script',
      description: 'Hydra statements run in order with the outputs, e.g. speed = 2, a.setBins(4), setFunction(…)',
      keywords: ['statements', 'code', 'javascript', 'setup', 'speed', 'bpm', 'setFunction'],
      inputs: [],
      outputs: [],
      params: [{ id: 'code', type: 'text', label: 'statements', default: '', maxLength: PATCH_LIMITS.textLength }],
      compile: (ctx) => ctx.choice('code').trim(),
    },
  ];
}

/** Expressions that a `.method()` can follow as they are; anything else (or unparsable) gets parentheses. */
const RECEIVERS = new Set(['Identifier', 'CallExpression', 'MemberExpression', 'ParenthesizedExpression', 'ArrayExpression', 'TemplateLiteral', 'TaggedTemplateExpression', 'ThisExpression']);

function isReceiver(text: string): boolean {
  let node: Node;
  try {
    node = parseExpressionAt(text, 0, { ecmaVersion: 'latest', preserveParens: true });
  } catch {
    return true; // not an expression at all: wrapping it would not make it one, and the error reads better unwrapped
  }
  if (text.slice(node.end).trim() !== '') return false;
  // `'a'.x` is fine, `5.x` is not a member access at all.
  if (node.type === 'Literal') return typeof (node as Node & { value: unknown }).value === 'string';
  return RECEIVERS.has(node.type);
}
