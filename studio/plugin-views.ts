import hydraCore from '../plugins/hydra-core/client';
import queueTrigger from '../plugins/queue-trigger/client';
import videoInput from '../plugins/video-input/client';
import type { ClientPlugin } from '../runtime/plugin/define';
import type { NodeView } from './editor/editor-context';

/** The plugins' browser entries, for what only the studio shows: node body views. */
export const clientPlugins: readonly ClientPlugin<NodeView>[] = [hydraCore, queueTrigger, videoInput];

/** Node body views from every plugin, by node type (only for types the plugin itself provides). */
export function clientViews(plugins: readonly ClientPlugin<NodeView>[] = clientPlugins): Map<string, NodeView> {
  const views = new Map<string, NodeView>();
  for (const plugin of plugins) {
    for (const [type, view] of Object.entries(plugin.views ?? {})) {
      if (!type.startsWith(`${plugin.manifest.name}/`)) throw new Error(`Plugin "${plugin.manifest.name}" supplies a view for "${type}", a node type it does not own.`);
      views.set(type, view);
    }
  }
  return views;
}
