import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { starterPresets } from '../../presets';
import { createMemorySink, createTelemetry, randomId } from '../../runtime/telemetry/events';
import { editorContext } from '../editor/editor-context';
import { createClientRegistry } from '../plugins';
import { clientViews } from '../plugin-views';
import { loadAutosave, saveAutosave } from '../state/autosave';
import { createDocumentStore } from '../state/document-store';
import { createPatchStore } from '../state/patch-store';
import { createRunStore } from '../state/run-store';
import { createUiStore } from '../state/ui-store';
import { createRoomSync } from '../sync/room-sync';
import { OnlineContext } from '../online';
import { createOnline, takeInviteFromLocation } from '../online-setup';
import { App } from './App';
import { StudioContext, type Studio } from './studio';
import './studio.css';

const room = /^\/studio\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname)?.[1] ?? 'local';
const registry = createClientRegistry();
const memory = createMemorySink();
// One id for the client's telemetry and the server's (sent as X-Telemetry-Session), so sign-in events join.
const telemetrySession = randomId();
const studio: Studio = {
  room,
  registry,
  telemetry: createTelemetry(memory.sink, { room_id: room, session_id: telemetrySession }),
  patch: createPatchStore(registry),
  doc: createDocumentStore(),
  run: createRunStore(),
  ui: createUiStore(),
};

/** This browser's own copy of the room's work (the whole story for the local studio). */
function restoreLocal() {
  const restored = loadAutosave(localStorage, room, registry);
  if (!restored.ok) studio.ui.toast(restored.message, 'error');
  else if (restored.restored) {
    studio.patch.replace(restored.restored.patch, false);
    studio.doc.setState({ mode: restored.restored.mode, code: restored.restored.code });
  }
}
restoreLocal();

// Autosave, a moment after the last change.
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let warnedFull = false;
/** A live room keeps its patch on the server; the browser's copy stays what it was for the local studio. */
const live = () => studio.sync?.getState().mode !== undefined && studio.sync.getState().mode !== 'local';
const scheduleSave = () => {
  clearTimeout(saveTimer);
  if (live()) return;
  saveTimer = setTimeout(() => {
    const ok = saveAutosave(localStorage, room, { mode: studio.doc.getState().mode, patch: studio.patch.getState().patch, code: studio.doc.getState().code });
    if (!ok && !warnedFull) {
      warnedFull = true;
      studio.ui.toast('This browser refused to store the patch (storage full or disabled): export it to keep it.', 'error');
    }
  }, 300);
};
studio.patch.subscribe((s, p) => s.patch !== p.patch && scheduleSave());
studio.doc.subscribe((s, p) => (s.mode !== p.mode || s.code !== p.code) && scheduleSave());
addEventListener('pagehide', () => {
  clearTimeout(saveTimer);
  if (live()) return;
  saveAutosave(localStorage, room, { mode: studio.doc.getState().mode, patch: studio.patch.getState().patch, code: studio.doc.getState().code });
});

// Accounts, rooms and the library; the local studio works the same when the server cannot be reached.
const online = createOnline({ roomId: room === 'local' ? undefined : room, storage: localStorage, client: { telemetrySession } });
online.account.subscribe((s, before) => s.user?.id !== before.user?.id && studio.telemetry.setContext({ user_id: s.user?.id }));
studio.sync = createRoomSync({ roomId: room === 'local' ? undefined : room, online, patch: studio.patch, ui: studio.ui, telemetry: studio.telemetry, restoreLocal });
online.start();
studio.sync.start();
const invite = takeInviteFromLocation(location, history);
if (invite) online.dialogs.show({ kind: 'rooms', tab: 'join', invite });

editorContext.store = studio.patch;
editorContext.run = studio.run;
editorContext.views = clientViews();
editorContext.presence = studio.sync;

/** For tests and debugging: read-only views of the studio's state. */
Object.assign(window, {
  patchroomStudio: {
    patch: () => studio.patch.getState().patch,
    code: () => studio.run.getState().code,
    run: () => ({ status: studio.run.getState().status, error: studio.run.getState().error }),
    mode: () => studio.doc.getState().mode,
    events: () => memory.events(),
    presets: () => starterPresets.map((p) => ({ id: p.id, kind: p.kind, name: p.name })),
    sync: () => {
      const state = studio.sync?.getState();
      const connection = state?.connection;
      return {
        mode: state?.mode,
        role: state?.role,
        status: connection?.status.getState(),
        pending: connection?.outbox.getState().pending.map((p) => p.command) ?? [],
        queue: state?.roomState?.queue ?? [],
        peers: state?.peers.map((p) => ({ name: p.name, role: p.role, editing: p.editing })) ?? [],
      };
    },
  },
});

createRoot(document.getElementById('studio-root')!).render(
  <StrictMode>
    <StudioContext.Provider value={studio}>
      <OnlineContext.Provider value={online}>
        <App />
      </OnlineContext.Provider>
    </StudioContext.Provider>
  </StrictMode>,
);
