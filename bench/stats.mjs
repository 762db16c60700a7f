// What every bench prints with: a line to stdout, quantiles (nearest rank) and rounding.

export const log = (line) => process.stdout.write(`${line}\n`);

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const median = (values) => quantile(values, 0.5);

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
