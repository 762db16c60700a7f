import glslFunctions, { type HydraFunction } from 'hydra-synth/src/glsl/glsl-functions.js';
import type { NodeDefinition, NodeKind, NumberParamDefinition, ParamDefinition, PortDefinition } from '../../runtime/plugin/types';
import { sliderRange } from './ranges';

/** Hydra's outputs o0–o3 (its external sources s0–s3 are the compiler's SOURCE_SLOTS). */
export const OUTPUTS = ['o0', 'o1', 'o2', 'o3'] as const;

const KIND: Record<HydraFunction['type'], NodeKind> = {
  src: 'source',
  coord: 'effect',
  color: 'effect',
  combine: 'combine',
  combineCoord: 'combine',
};

const TEXTURE_OUT: PortDefinition[] = [{ id: 'out', type: 'texture', label: 'texture' }];
const CHAIN_IN: PortDefinition = { id: 'in', type: 'texture', label: 'in' };
/** The second texture of combine functions (`blend(texture, amount)`). */
const COMBINE_IN: PortDefinition = { id: 'texture', type: 'texture', label: 'texture' };

/**
 * One node per entry of hydra-synth's own function table, so every Hydra function (and any added
 * to hydra later) is a node without a hand-written list. Float inputs become number parameters
 * with hydra's defaults; `src`'s sampler input becomes a choice of o0–o3 (feedback is a reference
 * to an output, never an edge).
 */
export function hydraFunctionNodes(plugin: string): NodeDefinition[] {
  return glslFunctions().map((fn) => functionNode(plugin, fn));
}

function functionNode(plugin: string, fn: HydraFunction): NodeDefinition {
  const params: ParamDefinition[] = [];
  const numberIds: string[] = [];
  for (const input of fn.inputs) {
    if (input.type === 'float') {
      const def = typeof input.default === 'number' && Number.isFinite(input.default) ? input.default : 0;
      const param: NumberParamDefinition = { id: input.name, type: 'number', label: input.name, default: def, ...sliderRange(input.name, def) };
      params.push(param);
      numberIds.push(input.name);
    } else if (input.type === 'sampler2D') {
      // Only outputs: src(o0…o3) is feedback. External sources s0–s3 are the `external` node's job,
      // so each piece of code (`src(s0)`) reads back as exactly one kind of node.
      params.push({ id: input.name, type: 'choice', label: 'buffer', default: 'o0', options: OUTPUTS });
    }
    // vec4 inputs other than the combined texture (only `sum`'s scale) keep hydra's default.
  }
  const kind = KIND[fn.type];
  const inputs = kind === 'source' ? [] : kind === 'combine' ? [CHAIN_IN, COMBINE_IN] : [CHAIN_IN];
  const signature = fn.inputs.map((i) => (i.default !== undefined && !Number.isNaN(i.default) ? `${i.name} = ${String(i.default)}` : i.name));
  const sampler = params.find((p) => p.type === 'choice');

  return {
    type: `${plugin}/${fn.name}`,
    kind,
    label: fn.name,
    description: `Hydra ${fn.type} function: ${fn.name}(${[...(kind === 'combine' ? ['texture'] : []), ...signature].join(', ')})`,
    keywords: [fn.type, fn.name],
    inputs,
    outputs: TEXTURE_OUT,
    params,
    compile(ctx) {
      const args = sampler ? ctx.choice(sampler.id) : ctx.args(numberIds);
      if (kind === 'source') return `${fn.name}(${args})`;
      if (kind === 'effect') return ctx.chain(ctx.texture('in'), `${fn.name}(${args})`);
      const texture = ctx.inline(ctx.texture('texture'));
      return ctx.chain(ctx.texture('in'), `${fn.name}(${args ? `${texture}, ${args}` : texture})`);
    },
  };
}
