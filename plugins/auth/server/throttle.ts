/** In-memory limits: they reset on restart, which an attacker cannot trigger. Bounded in size. */
const MAX_KEYS = 50_000;

interface Failures {
  count: number;
  last: number;
  lockedUntil: number;
}

/**
 * Failed sign-ins per key (an account, an IP): the first `free` failures cost nothing, each one after
 * that locks the key for twice as long as the last (base, 2×base, 4×base… up to max). Failures older
 * than the window are forgotten; a success clears the key.
 */
export function failureThrottle(options: { free: number; baseMs: number; maxMs: number; windowMs: number }) {
  const keys = new Map<string, Failures>();
  return {
    /** Milliseconds until the key may try again (0: now). */
    retryAfter(key: string, now = Date.now()): number {
      const entry = keys.get(key);
      return entry ? Math.max(0, entry.lockedUntil - now) : 0;
    },
    fail(key: string, now = Date.now()) {
      const previous = keys.get(key);
      const count = previous && now - previous.last < options.windowMs ? previous.count + 1 : 1;
      const over = count - options.free;
      const lockedUntil = over > 0 ? now + Math.min(options.maxMs, options.baseMs * 2 ** Math.min(over - 1, 30)) : 0;
      keys.delete(key);
      keys.set(key, { count, last: now, lockedUntil });
      prune(keys, (e) => now - e.last >= options.windowMs && e.lockedUntil <= now);
    },
    succeed(key: string) {
      keys.delete(key);
    },
  };
}

/** At most `limit` actions per key per hour (fixed windows). */
export function hourlyQuota(limit: number) {
  const keys = new Map<string, { start: number; count: number }>();
  return {
    /** Counts the action; returns milliseconds until the next window when over the limit, else 0. */
    take(key: string, now = Date.now()): number {
      let entry = keys.get(key);
      if (!entry || now - entry.start >= 3_600_000) {
        keys.delete(key);
        entry = { start: now, count: 0 };
        keys.set(key, entry);
        prune(keys, (e) => now - e.start >= 3_600_000);
      }
      if (entry.count >= limit) return entry.start + 3_600_000 - now;
      entry.count += 1;
      return 0;
    },
  };
}

/** Keeps a map below MAX_KEYS: drops stale entries, then the oldest (Maps iterate in insertion order). */
function prune<T>(keys: Map<string, T>, stale: (entry: T) => boolean) {
  if (keys.size <= MAX_KEYS) return;
  for (const [key, entry] of keys) if (stale(entry)) keys.delete(key);
  for (const key of keys.keys()) {
    if (keys.size <= MAX_KEYS) break;
    keys.delete(key);
  }
}
