import type { CompileContext, NodeDefinition } from '../../runtime/plugin/types';
import { SOURCE_SLOTS } from '../../runtime/compiler/compile';
import { OUTPUTS } from './functions';

/**
 * The nodes that are not Hydra functions: where chains end (`.out(o1)`, `render(o1)`), external
 * sources s0–s3 that input plugins bind video or images to, and time LFOs for number inputs.
 * Number outputs always compile to a function (`() => …`), which Hydra evaluates every frame.
 */
export function structuralNodes(plugin: string): NodeDefinition[] {
  return [
    {
      type: `${plugin}/out`,
      kind: 'output',
      label: 'out',
      description: 'Renders a texture chain into one of the outputs o0–o3: .out(o0)',
      keywords: ['output', 'o0', 'o1', 'o2', 'o3'],
      inputs: [{ id: 'in', type: 'texture', label: 'in' }],
      outputs: [],
      params: [{ id: 'output', type: 'choice', label: 'output', default: 'o0', options: OUTPUTS }],
      compile(ctx) {
        if (!ctx.connected('in')) return '';
        const output = ctx.choice('output');
        return ctx.chain(ctx.texture('in'), output === 'o0' ? 'out()' : `out(${output})`);
      },
    },
    {
      type: `${plugin}/render`,
      kind: 'output',
      label: 'render',
      description: 'Chooses which output fills the screen, or "all" for a 2×2 grid of o0–o3: render(o1)',
      keywords: ['display', 'screen', 'grid'],
      inputs: [],
      outputs: [],
      params: [{ id: 'output', type: 'choice', label: 'show', default: 'o0', options: [...OUTPUTS, 'all'] }],
      compile(ctx) {
        const output = ctx.choice('output');
        return output === 'all' ? 'render()' : `render(${output})`;
      },
    },
    {
      type: `${plugin}/external`,
      kind: 'input',
      label: 'external source',
      description: 'An external source s0–s3 (video, camera, image) as a texture: src(s0)',
      keywords: ['src', 's0', 's1', 's2', 's3', 'video', 'camera', 'image'],
      inputs: [],
      outputs: [{ id: 'out', type: 'texture', label: 'texture' }],
      params: [{ id: 'source', type: 'choice', label: 'source', default: 's0', options: SOURCE_SLOTS }],
      compile: (ctx) => `src(${ctx.choice('source')})`,
    },
    {
      type: `${plugin}/lfo`,
      kind: 'source',
      label: 'lfo',
      description: 'A low-frequency oscillator over time, for any number input: offset + amplitude × wave(time × rate)',
      keywords: ['oscillator', 'sine', 'saw', 'square', 'triangle', 'time', 'modulation'],
      inputs: [],
      outputs: [{ id: 'value', type: 'number', label: 'value' }],
      params: [
        { id: 'shape', type: 'choice', label: 'shape', default: 'sine', options: ['sine', 'saw', 'square', 'triangle'] },
        { id: 'rate', type: 'number', label: 'rate (Hz)', default: 0.25, min: 0, max: 8, step: 0.01 },
        { id: 'amplitude', type: 'number', label: 'amplitude', default: 1, min: 0, max: 10, step: 0.01 },
        { id: 'offset', type: 'number', label: 'offset', default: 0, min: -10, max: 10, step: 0.01 },
      ],
      compile(ctx) {
        const rate = valueOf(ctx, 'rate');
        const amplitude = valueOf(ctx, 'amplitude');
        const offset = valueOf(ctx, 'offset');
        const phase = rate === '1' ? 'time' : `time * ${rate}`;
        const wave = {
          sine: `Math.sin(${phase} * Math.PI * 2)`,
          saw: `((${phase}) % 1 * 2 - 1)`,
          square: `(Math.sin(${phase} * Math.PI * 2) < 0 ? -1 : 1)`,
          triangle: `(1 - 4 * Math.abs(((${phase}) + 0.25) % 1 - 0.5))`,
        }[ctx.choice('shape')] ?? '0';
        const scaled = amplitude === '1' ? wave : `${amplitude} * ${wave}`;
        return `() => ${offset === '0' ? scaled : `${offset} + ${scaled}`}`;
      },
    },
  ];
}

/** `() => …`, `(t) => …`, `x => …`, `function …`: an expression that is itself a function. */
const FUNCTION_EXPRESSION = /^\s*(?:(?:async\s+)?(?:\([\w\s,]*\)|[A-Za-z_$][\w$]*)\s*=>|(?:async\s+)?function\b)/;

/** The current value of a number parameter as an expression: connected ones are functions, called. */
function valueOf(ctx: CompileContext, id: string): string {
  const text = ctx.number(id);
  if (ctx.connected(id) || FUNCTION_EXPRESSION.test(text)) return `(${text})()`;
  // A stored list of numbers (a hydra sequence): an lfo takes its first value.
  if (/^\[[\d\s.,eE+-]*\]$/.test(text)) return `${text}[0]`;
  // Expressions are spliced into `time * rate` and `amplitude * wave`: `1 + 1` must stay one operand.
  return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(text) ? text : `(${text})`;
}
