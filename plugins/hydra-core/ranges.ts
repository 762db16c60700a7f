import type { NumberParamDefinition } from '../../runtime/plugin/types';

/** Parameters whose values are counts: sliders step by whole numbers. */
const COUNTS = /^(sides|nSides|bins|reps|repeatX|repeatY|pixelX|pixelY)$/;
/** Parameters that read as 0–1 fractions in hydra's own functions. */
const UNIT = /^(r|g|b|a|amount|threshold|tolerance|blending|smoothing|radius|offset|offsetX|offsetY|gamma|hue)$/;

/**
 * A slider range for a hydra function input, derived from its name and default. Hydra's table
 * carries defaults only; these ranges are soft (exact entry may exceed them), so a heuristic that
 * brackets the default generously is enough.
 */
export function sliderRange(name: string, def: number): Pick<NumberParamDefinition, 'min' | 'max' | 'step'> {
  if (COUNTS.test(name)) return { min: 1, max: Math.max(16, nice(def * 4)), step: 1 };
  if (UNIT.test(name) && def >= 0 && def <= 1) return { min: def === 0 && /^(offset|offsetX|offsetY|hue)$/.test(name) ? -1 : 0, max: 1, step: 0.001 };
  if (def === 0) return { min: -1, max: 1, step: 0.001 };
  const span = nice(Math.abs(def) * 4);
  const min = def < 0 ? -span : 0;
  return { min, max: def < 0 ? 0 : span, step: span >= 40 ? 0.1 : 0.001 };
}

/** Rounds up to 1, 2 or 5 times a power of ten. */
function nice(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
