import type { PluginManifest } from './types';

/**
 * Identity helper: returns the plugin unchanged so TypeScript checks its shape where it is written
 * (the way Vite's `defineConfig` works).
 */
export function definePlugin<const T extends PluginManifest>(plugin: T): T {
  return plugin;
}

/**
 * The browser entry of a plugin. It carries the manifest and whatever only the browser may load
 * (React views, editor and runtime hooks; later issues add fields here). It must never import the
 * plugin's server entry.
 */
export interface ClientPlugin {
  manifest: PluginManifest;
}

export function defineClientPlugin<const T extends ClientPlugin>(plugin: T): T {
  return plugin;
}

/**
 * The server entry of a plugin: routes under `/api/<name>`, middleware, migrations, start/stop
 * hooks. The server issue fills in the host; the shape is fixed here so plugins can be written
 * against it. It must never import the plugin's client entry.
 */
export interface ServerPlugin<App = unknown> {
  manifest: PluginManifest;
  setup?(app: App): void | Promise<void>;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export function defineServerPlugin<const T extends ServerPlugin>(plugin: T): T {
  return plugin;
}
