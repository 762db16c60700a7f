import { definePlugin } from '../../runtime/plugin/define';
import { structuralNodes } from './extra-nodes';
import { hydraFunctionNodes } from './functions';

/** Every Hydra function as a node, plus outputs, render, external sources and LFOs. */
export const hydraCore = definePlugin({
  name: 'hydra-core',
  version: '1.0.0',
  description: "Hydra's sources, geometry, colour, blending and modulation functions as nodes, derived from hydra-synth's own function table.",
  nodes: [...hydraFunctionNodes('hydra-core'), ...structuralNodes('hydra-core')],
});

export default hydraCore;
