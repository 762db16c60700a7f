import type { NodeDefinition } from '../../runtime/plugin/types';

export const NODE_WIDTH = 220;

/** How tall a node's body is (its rows have fixed heights): the editor and auto-arrange use it. */
export function nodeHeight(def: NodeDefinition, hasView: boolean): number {
  const numbers = def.params.filter((p) => p.type === 'number').length;
  const others = def.params.length - numbers;
  return 58 + def.inputs.length * 26 + numbers * 52 + others * 44 + Math.max(0, def.outputs.length - def.inputs.length) * 26 + (hasView ? 56 : 0);
}
