import type { ExecutorEvent } from '../executor/executor';
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
export interface ClientPlugin<View = unknown> {
  manifest: PluginManifest;
  /**
   * Bodies for the plugin's nodes in the studio, by node type: React components receiving
   * `NodeViewProps` (see studio/editor/editor-context.ts). Typed loosely here because the runtime
   * knows no React. A view that throws shows its node as crashed; the editor carries on.
   */
  views?: Readonly<Record<string, View>>;
  /**
   * Runtime hook: what the studio preview's executor reports (states, errors, video sources), for
   * views that show it. Must not throw; a hook that throws is ignored.
   */
  onExecutorEvent?: (event: ExecutorEvent) => void;
}

export function defineClientPlugin<const T extends ClientPlugin>(plugin: T): T {
  return plugin;
}

/** The server entry of a plugin (routes, middleware, migrations, start/stop hooks): see `./server`. */
export { defineServerPlugin, type ServerPlugin } from './server';
