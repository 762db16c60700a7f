import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { answerClientError } from './client-errors';
import type { ServerConfig } from './config';
import { envReader } from './config';
import { closeDatabase, databaseResponds, openDatabase, optimizeDatabase } from './db';
import { jsonBody } from './json-body';
import type { Logger } from './log';
import { migrate } from './migrations';
import { loadPlugins, type KoaServerPlugin, type LoadedPlugins } from './plugin-host';
import { serverPlugins } from './plugins';
import { requestTelemetry } from './request-telemetry';
import { createTelemetryStore, serverMigrations } from './telemetry-store';
import { upgradeListener } from './upgrade';

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Graceful stop: refuse new connections, let requests in flight finish (up to the shutdown
   * timeout), stop the plugins, then checkpoint and close SQLite.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Environment the plugins read their settings from. */
  env?: NodeJS.ProcessEnv;
  plugins?: readonly KoaServerPlugin[];
}

/** Opens storage, loads the plugins, listens. Everything the process needs lives under the data dir. */
export async function startServer(config: ServerConfig, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const db = openDatabase(config.dataDir);
  let stopping = false;
  let plugins: LoadedPlugins | undefined;
  let optimizer: NodeJS.Timeout | undefined;
  try {
    migrate(db, 'server', serverMigrations);
    const telemetry = createTelemetryStore(db);
    const loaded = (plugins = await loadPlugins(options.plugins ?? serverPlugins, { db, settings: config, env: envReader(options.env ?? process.env), log, telemetry }));
    const body = jsonBody(config.bodyLimit);
    const tagged = requestTelemetry(telemetry);
    const app = createApp(config, log, {
      // Plugin middleware (CSRF, sessions) runs before the body is read: a refused request costs no parsing.
      middleware: (ctx, next) => tagged(ctx, () => loaded.middleware(ctx, () => body(ctx, () => loaded.routes(ctx, next)))),
      ready: () => !stopping && databaseResponds(db),
      stopping: () => stopping,
    });
    await loaded.start();
    optimizeDatabase(db);
    optimizer = setInterval(() => optimizeDatabase(db), 3_600_000).unref();
    const server = createServer(app.callback());
    server.on('clientError', answerClientError);
    server.on(
      'upgrade',
      upgradeListener({
        app,
        upgrades: loaded.upgrades,
        middleware: (ctx) => tagged(ctx, () => loaded.middleware(ctx, async () => {})) as Promise<unknown>,
        allowedOrigins: config.allowedOrigins,
        log,
        stopping: () => stopping,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        stopping = true;
        // Long-lived connections (WebSockets) first: the drain below waits for every connection to end.
        for (const upgrade of loaded.upgrades.values()) {
          try {
            await upgrade.closeAll?.();
          } catch (error) {
            log.error('closing upgraded connections failed', { error: (error as Error)?.stack ?? String(error) });
          }
        }
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          log.warn('closing connections still open after the shutdown timeout', { timeout_ms: config.shutdownTimeoutMs });
          server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        await drained;
        clearTimeout(timer);
        clearInterval(optimizer);
        await loaded.stop();
        telemetry.flush();
        closeDatabase(db);
      })());
    return { url: `http://${shown}:${port}`, port, close };
  } catch (error) {
    // A start that fails half way (no build, port taken, bad setting) leaves nothing running.
    clearInterval(optimizer);
    await plugins?.stop();
    closeDatabase(db);
    throw error;
  }
}
