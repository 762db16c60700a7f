/** How long until `at`, in the largest whole unit: "in 6 days", "in 3 hours", "in a minute"; "expired" when past. */
export function formatTimeLeft(at: number, now = Date.now()): string {
  const seconds = Math.floor((at - now) / 1000);
  if (seconds <= 0) return 'expired';
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return count === 1 ? `in a${name === 'hour' ? 'n' : ''} ${name}` : `in ${count} ${name}s`;
  }
  return 'in less than a minute';
}

/** Media length: 62.5 → "1:03", 3725 → "1:02:05"; unknown → "unknown length". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'unknown length';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** 48000000 → "48 MB" (decimal units, as file sizes are usually quoted). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'unknown size';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
