import type { PatchTarget } from '../../plugins/sync/client/patch-binding';
import type { PatchStore } from '../state/patch-store';

/** The studio's patch store as the room binding's target. */
export function patchStoreTarget(store: PatchStore): PatchTarget {
  return {
    get: () => store.getState().patch,
    subscribe: (listener) => store.subscribe((state, before) => state.patch !== before.patch && listener()),
    applyRemote: (patch, rebase) => store.applyRemote(patch, rebase),
    load: (patch) => store.replace(patch, false),
  };
}
