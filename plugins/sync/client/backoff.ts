/**
 * Reconnect delays: exponential with full jitter, capped. Jitter matters more than the curve: after
 * a server restart every client would otherwise come back in the same millisecond.
 */
export interface BackoffPolicy {
  /** First delay's upper bound, ms. */
  base: number;
  /** Largest delay, ms. */
  max: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { base: 500, max: 15_000 };

/** Delay before reconnect attempt `attempt` (1 for the first retry). `random` in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: number = Math.random()): number {
  const ceiling = Math.min(policy.max, policy.base * 2 ** Math.max(0, attempt - 1));
  // Never quite zero: a tight loop against a refusing server helps nobody.
  return Math.round(Math.max(policy.base / 4, ceiling * random));
}
