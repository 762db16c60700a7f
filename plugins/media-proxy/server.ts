import type { Database } from 'better-sqlite3';
import { defineServerPlugin, type ServerPluginHost } from '../../runtime/plugin/server';
import { mediaProxy } from './manifest';
import { MediaCache } from './server/cache';
import { RecordLog } from './server/records';
import { mediaProxyRoutes } from './server/routes';

const MIB = 1024 * 1024;

/**
 * `/api/media-proxy`: the primary path for cross-origin video textures. Allow-listed hosts only
 * (`MEDIA_ALLOWED_HOSTS`), never a private address, Range passed through and checked, CORS on every
 * answer, an idle (not total) timeout, and MP4s with moov at the end downloaded once, rewritten
 * moov-first and served from `<data dir>/media-proxy`.
 */
export default defineServerPlugin({
  manifest: mediaProxy,
  setup(host: ServerPluginHost<Database>) {
    const ports = host.env.list('MEDIA_ALLOWED_PORTS', ['80', '443']);
    const allowedPorts = ports.includes('*')
      ? undefined
      : new Set(
          ports.map((port) => {
            if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`MEDIA_ALLOWED_PORTS must list port numbers or "*"; got "${port}".`);
            return Number(port);
          }),
        );
    const cacheMaxBytes = host.env.int('MEDIA_CACHE_MAX_BYTES', 2048 * MIB, 0, 2 ** 50);
    const fileMaxBytes = Math.min(cacheMaxBytes, host.env.int('MEDIA_CACHE_FILE_MAX_BYTES', 512 * MIB, 0, 2 ** 50));
    const cache = new MediaCache(host.dataDir, cacheMaxBytes, host.log);
    const records = new RecordLog(host.env.int('MEDIA_RECORDS_MAX', 1000, 10, 1_000_000));
    const router = mediaProxyRoutes({
      policy: {
        allowedHosts: host.settings.mediaAllowedHosts,
        ...(allowedPorts ? { allowedPorts } : {}),
        allowLoopback: host.env.choice('MEDIA_ALLOW_LOOPBACK', ['0', '1'] as const, '0') === '1',
        idleTimeoutMs: host.env.int('MEDIA_IDLE_TIMEOUT_MS', 30_000, 100, 600_000),
        maxRedirects: host.env.int('MEDIA_MAX_REDIRECTS', 5, 0, 20),
      },
      cache,
      fileMaxBytes,
      records,
      log: host.log,
    });
    return {
      router,
      start() {
        host.ensureDataDir();
        cache.init();
        host.log.info('media proxy ready', { hosts: host.settings.mediaAllowedHosts, cached_files: cache.count, cached_bytes: cache.bytes });
      },
    };
  },
});
