import type { FrameStats } from './protocol';

/**
 * Summarises the pixels of a frame: brightness mean and spread, how many distinct colours a coarse
 * grid of samples holds, and a fingerprint. Must run in the same task as the draw (the drawing
 * buffer is not preserved).
 */
export function frameStats(pixels: Uint8Array, width: number, height: number, grid = 24): FrameStats {
  const colours = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  let hash = 2166136261;
  for (let gy = 0; gy < grid; gy++) {
    const y = Math.min(height - 1, Math.floor(((gy + 0.5) * height) / grid));
    for (let gx = 0; gx < grid; gx++) {
      const x = Math.min(width - 1, Math.floor(((gx + 0.5) * width) / grid));
      const i = (y * width + x) * 4;
      const r = pixels[i]!;
      const gr = pixels[i + 1]!;
      const b = pixels[i + 2]!;
      const lum = 0.2126 * r + 0.7152 * gr + 0.0722 * b;
      sum += lum;
      sumSq += lum * lum;
      n++;
      colours.add(((r >> 3) << 10) | ((gr >> 3) << 5) | (b >> 3));
      hash = Math.imul(hash ^ ((r >> 4) | ((gr >> 4) << 4) | ((b >> 4) << 8)), 16777619);
    }
  }
  const mean = sum / n;
  return {
    width,
    height,
    mean: Math.round(mean * 10) / 10,
    stddev: Math.round(Math.sqrt(Math.max(0, sumSq / n - mean * mean)) * 10) / 10,
    distinct: colours.size,
    signature: (hash >>> 0).toString(16).padStart(8, '0'),
  };
}
