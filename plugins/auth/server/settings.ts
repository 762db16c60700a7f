import type { EnvReader } from '../../../runtime/plugin/server';

export interface AuthSettings {
  /** Access-token lifetime in seconds (at most 15 minutes). */
  accessTtl: number;
  /** Refresh-token lifetime in seconds; every use gives a new one with a new lifetime. */
  refreshTtl: number;
  /** Seconds from sign-in after which a session can no longer be refreshed (sign in again). */
  sessionMaxAge: number;
  /** Milliseconds after its use in which a refresh token presented again counts as a concurrent refresh, not a theft. */
  reuseGraceMs: number;
  /** `kid:base64url-secret` pairs from AUTH_SIGNING_KEYS (first signs); undefined: a key file in the data dir. */
  signingKeys: string | undefined;
  /** Days before the key file's signing key is replaced (0: never). */
  keyRotationDays: number;
  login: { accountFailures: number; ipFailures: number; backoffMs: number; backoffMaxMs: number; windowMs: number };
  registerPerIpPerHour: number;
  guestsPerIpPerHour: number;
}

export function readAuthSettings(env: EnvReader): AuthSettings {
  return {
    accessTtl: env.int('ACCESS_TOKEN_TTL', 900, 10, 900),
    refreshTtl: env.int('REFRESH_TOKEN_TTL', 14 * 86_400, 60, 90 * 86_400),
    sessionMaxAge: env.int('SESSION_MAX_AGE', 30 * 86_400, 3600, 365 * 86_400),
    reuseGraceMs: env.int('REFRESH_REUSE_GRACE_SECONDS', 10, 0, 60) * 1000,
    signingKeys: env.optional('AUTH_SIGNING_KEYS'),
    keyRotationDays: env.int('AUTH_KEY_ROTATION_DAYS', 30, 0, 3650),
    login: {
      accountFailures: env.int('LOGIN_MAX_FAILURES', 5, 1, 1000),
      ipFailures: env.int('LOGIN_IP_MAX_FAILURES', 20, 1, 100_000),
      backoffMs: env.int('LOGIN_BACKOFF_MS', 1000, 1, 3_600_000),
      backoffMaxMs: env.int('LOGIN_BACKOFF_MAX_MS', 15 * 60_000, 1, 86_400_000),
      windowMs: env.int('LOGIN_FAILURE_WINDOW_MS', 15 * 60_000, 1000, 86_400_000),
    },
    registerPerIpPerHour: env.int('REGISTER_PER_IP_PER_HOUR', 20, 1, 1_000_000),
    guestsPerIpPerHour: env.int('GUESTS_PER_IP_PER_HOUR', 1000, 1, 1_000_000),
  };
}
