import type { EnvReader } from '../../../runtime/plugin/server';

export interface SyncSettings {
  /** Messages per second a socket may send on average, and in one burst. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Bytes per second a socket may send on average (bursts up to 8× this). */
  bytesPerSecond: number;
  /** Open sockets per signed-in user or guest. */
  socketsPerPrincipal: number;
  /** Ping interval; a socket that did not answer the previous ping is dropped. */
  keepaliveMs: number;
  /** How often document changes move from the SQLite journal into the Automerge storage. */
  compactMs: number;
  /** How long a document no connected client has open stays in memory after its last use. */
  unloadIdleMs: number;
}

export function readSyncSettings(env: EnvReader): SyncSettings {
  return {
    messagesPerSecond: env.int('SYNC_MESSAGES_PER_SECOND', 200, 1, 100_000),
    messageBurst: env.int('SYNC_MESSAGE_BURST', 1000, 1, 1_000_000),
    bytesPerSecond: env.int('SYNC_BYTES_PER_SECOND', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    socketsPerPrincipal: env.int('SYNC_SOCKETS_PER_USER', 16, 1, 10_000),
    keepaliveMs: env.int('SYNC_KEEPALIVE_MS', 10_000, 1000, 600_000),
    compactMs: env.int('SYNC_COMPACT_MS', 10_000, 100, 3_600_000),
    unloadIdleMs: env.int('SYNC_UNLOAD_IDLE_MS', 10 * 60_000, 500, 7 * 24 * 3_600_000),
  };
}
