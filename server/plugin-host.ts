import { mkdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { createRegistry, PluginLoadError } from '../runtime/plugin/registry';
import type { EnvReader, Logger, RequestState, ServerPlugin, ServerPluginParts, ServerSettings, UpgradeHandler } from '../runtime/plugin/server';
import type { TelemetrySink } from '../runtime/telemetry/events';
import type { Db } from './db';
import { withFields } from './log';
import { migrate } from './migrations';

/* eslint-disable @typescript-eslint/no-explicit-any -- a plugin may type its own context extensions */
type PluginRouter = Router<RequestState, any>;
type PluginMiddleware = Middleware<RequestState, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
/** A connection upgrade (WebSocket handshake) on Node's HTTP server. */
export type PluginUpgrade = UpgradeHandler<IncomingMessage, Duplex, Buffer>;

/** A server plugin with the framework types this server uses filled in. */
export type KoaServerPlugin = ServerPlugin<Db, PluginRouter, PluginMiddleware, PluginUpgrade>;

/** Names the host keeps for itself: "server" owns the host's own tables. */
const RESERVED = new Set(['server']);

export interface LoadedPlugins {
  /** Every plugin's middleware, in plugin order. */
  middleware: Middleware;
  /** Every plugin's router, each under /api/<name>. */
  routes: Middleware;
  /** Upgrade handlers by path. */
  upgrades: ReadonlyMap<string, PluginUpgrade>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface HostServices {
  db: Db;
  settings: ServerSettings;
  env: EnvReader;
  log: Logger;
  telemetry: TelemetrySink;
}

/**
 * Loads server plugins in the given order: checks names and requirements (failing loudly, naming the
 * plugin), runs each plugin's migrations, calls `setup`, and mounts its router under `/api/<name>`.
 */
export async function loadPlugins(plugins: readonly KoaServerPlugin[], services: HostServices): Promise<LoadedPlugins> {
  createRegistry(plugins.map((p) => p.manifest));
  const loaded: Array<{ name: string; parts: ServerPluginParts<PluginRouter, PluginMiddleware, PluginUpgrade> }> = [];
  const upgrades = new Map<string, PluginUpgrade>();
  for (const plugin of plugins) {
    const name = plugin.manifest.name;
    if (RESERVED.has(name)) throw new PluginLoadError(name, 'this name is reserved by the server');
    migrate(services.db, name, plugin.migrations ?? []);
    const dataDir = join(services.settings.dataDir, name);
    const parts = await plugin.setup({
      name,
      db: services.db,
      dataDir,
      ensureDataDir: () => {
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        return dataDir;
      },
      settings: services.settings,
      env: services.env,
      log: withFields(services.log, { plugin: name }),
      telemetry: services.telemetry,
    });
    parts.router?.prefix(`/api/${name}`);
    if (parts.upgrade) {
      const { path } = parts.upgrade;
      // Each plugin upgrades only under its own name, as its routes live under /api/<name>.
      if (path !== `/${name}` && !path.startsWith(`/${name}/`)) throw new PluginLoadError(name, `its upgrade path "${path}" must be /${name} or below it`);
      upgrades.set(path, parts.upgrade);
    }
    loaded.push({ name, parts });
  }

  const middleware = loaded.flatMap(({ parts }) => parts.middleware ?? []);
  const routes = loaded.flatMap(({ parts }) => (parts.router ? [parts.router.routes(), parts.router.allowedMethods()] : []));
  const started: typeof loaded = [];
  return {
    middleware: inOrder(middleware),
    routes: inOrder(routes),
    upgrades,
    async start() {
      for (const plugin of loaded) {
        await plugin.parts.start?.();
        started.push(plugin);
      }
    },
    async stop() {
      // Reverse order: a plugin stops before the plugins it requires. One failing does not keep the others running.
      for (const plugin of started.reverse()) {
        try {
          await plugin.parts.stop?.();
        } catch (error) {
          services.log.error('plugin failed to stop', { plugin: plugin.name, error: (error as Error)?.stack ?? String(error) });
        }
      }
      started.length = 0;
    },
  };
}

/** Runs middleware one after another, as Koa does for `app.use`. */
function inOrder(chain: readonly PluginMiddleware[]): Middleware {
  return (ctx, next) => {
    const run = (index: number): Promise<unknown> => (index === chain.length ? next() : Promise.resolve(chain[index]!(ctx as never, () => run(index + 1))));
    return run(0) as Promise<void>;
  };
}
