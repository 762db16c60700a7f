import { definePlugin } from '../../runtime/plugin/define';
import { codeNodes } from './code-nodes';
import { structuralNodes } from './extra-nodes';
import { hydraFunctionNodes } from './functions';

/** Every Hydra function as a node, plus outputs, render, external sources, LFOs and code the graph cannot express. */
export const hydraCore = definePlugin({
  name: 'hydra-core',
  version: '1.0.0',
  description: "Hydra's sources, geometry, colour, blending and modulation functions as nodes, derived from hydra-synth's own function table.",
  nodes: [...hydraFunctionNodes('hydra-core'), ...structuralNodes('hydra-core'), ...codeNodes('hydra-core')],
});

export default hydraCore;
