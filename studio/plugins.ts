import { hydraCore } from '../plugins/hydra-core/manifest';
import { queueTrigger } from '../plugins/queue-trigger/manifest';
import { videoInput } from '../plugins/video-input/manifest';
import { createRegistry, type Registry } from '../runtime/plugin/registry';
import type { PluginManifest } from '../runtime/plugin/types';

/**
 * The plugins the studio and the player load, in dependency order: their manifests only, which is
 * all the player needs (no React, no views). The studio adds the client entries' views from
 * plugin-views.ts.
 */
export const pluginManifests: readonly PluginManifest[] = [hydraCore, queueTrigger, videoInput];

export function createClientRegistry(): Registry {
  return createRegistry(pluginManifests);
}
