import hydraCore from '../plugins/hydra-core/client';
import type { ClientPlugin } from '../runtime/plugin/define';
import { createRegistry, type Registry } from '../runtime/plugin/registry';

/** The plugins the studio and player load, in dependency order. */
export const clientPlugins: readonly ClientPlugin[] = [hydraCore];

export function createClientRegistry(): Registry {
  return createRegistry(clientPlugins.map((p) => p.manifest));
}
