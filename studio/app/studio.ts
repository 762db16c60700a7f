import { createContext, useContext } from 'react';
import type { Registry } from '../../runtime/plugin/registry';
import type { Telemetry } from '../../runtime/telemetry/events';
import type { DocumentStore } from '../state/document-store';
import type { PatchStore } from '../state/patch-store';
import type { RunStore } from '../state/run-store';
import type { UiStore } from '../state/ui-store';
import type { RoomSync } from '../sync/room-sync';

/** Everything the studio's components share: the stores live outside React, this only hands them down. */
export interface Studio {
  room: string;
  registry: Registry;
  telemetry: Telemetry;
  patch: PatchStore;
  doc: DocumentStore;
  run: RunStore;
  ui: UiStore;
  /** Live room or local studio (absent in component tests of other screens). */
  sync?: RoomSync;
}

export const StudioContext = createContext<Studio | undefined>(undefined);

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (!studio) throw new Error('useStudio outside <StudioContext.Provider>');
  return studio;
}
