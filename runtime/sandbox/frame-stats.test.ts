import { describe, expect, it } from 'vitest';
import { frameStats } from './frame-stats';

/** An RGBA image filled by `colour(x, y)`. */
function image(width: number, height: number, colour: (x: number, y: number) => [number, number, number]) {
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const i = (y * width + x) * 4;
      pixels.set([r, g, b, 255], i);
    }
  }
  return pixels;
}

describe('frameStats', () => {
  it('sees a flat frame as one colour with no spread', () => {
    for (const colour of [[0, 0, 0], [255, 255, 255], [200, 17, 90]] as const) {
      const stats = frameStats(image(64, 48, () => [...colour]), 64, 48);
      expect(stats.distinct).toBe(1);
      expect(stats.stddev).toBe(0);
      expect(stats.width).toBe(64);
      expect(stats.height).toBe(48);
    }
    expect(frameStats(image(10, 10, () => [0, 0, 0]), 10, 10).mean).toBe(0);
    expect(frameStats(image(10, 10, () => [255, 255, 255]), 10, 10).mean).toBe(255);
  });

  it('sees many distinct colours and a spread in a gradient', () => {
    const stats = frameStats(image(256, 256, (x, y) => [x, y, 255 - x]), 256, 256);
    expect(stats.distinct).toBeGreaterThan(100);
    expect(stats.stddev).toBeGreaterThan(20);
    expect(stats.mean).toBeGreaterThan(50);
    expect(stats.mean).toBeLessThan(200);
  });

  it('measures mean brightness with the usual luma weights', () => {
    // left half black, right half white: mean is half of 255, spread is half of 255
    const stats = frameStats(image(48, 48, (x) => (x < 24 ? [0, 0, 0] : [255, 255, 255])), 48, 48);
    expect(stats.distinct).toBe(2);
    expect(stats.mean).toBe(127.5);
    expect(stats.stddev).toBe(127.5);
    expect(frameStats(image(8, 8, () => [0, 255, 0]), 8, 8).mean).toBe(182.4);
  });

  it('gives different signatures for different images and the same for the same image', () => {
    const a = frameStats(image(64, 64, (x, y) => [x * 4, y * 4, 0]), 64, 64);
    const b = frameStats(image(64, 64, (x, y) => [y * 4, x * 4, 0]), 64, 64);
    const c = frameStats(image(64, 64, () => [40, 40, 40]), 64, 64);
    const d = frameStats(image(64, 64, () => [200, 200, 200]), 64, 64);
    const again = frameStats(image(64, 64, (x, y) => [x * 4, y * 4, 0]), 64, 64);
    expect(new Set([a.signature, b.signature, c.signature, d.signature]).size).toBe(4);
    expect(again.signature).toBe(a.signature);
    for (const s of [a, b, c, d]) expect(s.signature).toMatch(/^[0-9a-f]{8}$/);
  });

  it('samples images smaller than its grid without reading past the end', () => {
    const stats = frameStats(image(3, 2, (x) => [x * 100, 0, 0]), 3, 2);
    expect(stats.distinct).toBe(3);
    expect(Number.isFinite(stats.mean)).toBe(true);
    expect(Number.isFinite(stats.stddev)).toBe(true);
  });

  it('uses the grid size it is given', () => {
    const pixels = image(100, 100, (x, y) => [(x * 7 + y * 13) % 256, (x * 3) % 256, (y * 5) % 256]);
    expect(frameStats(pixels, 100, 100, 2).distinct).toBeLessThanOrEqual(4);
    expect(frameStats(pixels, 100, 100, 24).distinct).toBeGreaterThan(4);
  });
});
