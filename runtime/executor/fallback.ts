import type { Program } from '../compiler/program';

/** What plays when nothing good has run yet: calm, unmistakably alive, and known to compile. */
export const FALLBACK_PROGRAM: Program = {
  name: 'Fallback',
  presetId: 'fallback',
  code: 'osc(6, 0.03, 0.7)\n  .color(0.55, 0.35, 0.95)\n  .modulate(noise(1.5, 0.05), 0.12)\n  .out()\n',
};
