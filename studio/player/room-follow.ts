import { openRoom, type RoomConnection } from '../../plugins/sync/client';
import { docToPatch } from '../../plugins/sync/patch-doc';
import { ROOM_PRESET_PATH, type RoomPresetResponse } from '../../plugins/sync/protocol';
import { readRoomState } from '../../plugins/sync/room-state';
import { patchToProgram } from '../../runtime/compiler/compile';
import type { Program } from '../../runtime/compiler/program';
import type { Patch } from '../../runtime/patch/schema';
import type { Registry } from '../../runtime/plugin/registry';
import { presetToProgram, type Preset } from '../../runtime/presets/preset';
import type { Telemetry } from '../../runtime/telemetry/events';
import { createAccountStore, storageHint } from '../account/account-store';
import { ApiError } from '../api/api-error';
import { createApiClient } from '../api/client';
import { libraryPreset } from '../library/library-preset';

export interface FollowOptions {
  roomId: string;
  root: HTMLElement;
  registry: Registry;
  presets: readonly Preset[];
  telemetry: Telemetry;
  telemetrySession: string;
  play(program: Program): void;
  showMessage(text: string): void;
}

/** Patch edits arrive per slider step: compile and apply at most this often (the last one always). */
const APPLY_EVERY_MS = 120;

/**
 * The player of a room: follows the room's patch, its active preset and what is playing, live.
 * Signed-in people watch as themselves; anyone else gets a guest session (public rooms). The socket
 * reconnects by itself; a small indicator shows while it is not connected.
 */
export async function followRoom(options: FollowOptions): Promise<RoomConnection | undefined> {
  const { roomId, root, registry } = options;
  const api = createApiClient({ telemetrySession: options.telemetrySession });
  const account = createAccountStore(api, storageHint(safeStorage()));
  const indicator = element('p', 'player-connection', 'connection');
  const caption = element('p', 'player-now-playing', 'now-playing');
  indicator.hidden = true;
  caption.hidden = true;
  root.append(indicator, caption);

  await account.init();
  let state = account.getState();
  if (state.status === 'signed-out') {
    try {
      const guest = await api.post<{ guest: { id: string } | null }>('/api/auth/guest');
      api.noteSession({ user: null, guest: guest.guest });
      state = { ...state, status: 'guest', guestId: guest.guest?.id };
    } catch (error) {
      options.showMessage(`This room cannot be watched here: ${(error as Error).message}`);
      return undefined;
    }
  }
  const principal = state.user ? { kind: 'user' as const, id: state.user.id, name: state.user.name } : { kind: 'guest' as const, id: state.guestId!, name: 'Guest' };

  const connection = await openRoom({
    roomId,
    http: { get: (path) => api.get(path), post: (path, body) => api.post(path, body), refresh: () => api.refresh() },
    principal,
    telemetry: options.telemetry,
    announce: false,
  });
  connection.status.subscribe((s) => {
    indicator.hidden = s.state === 'connected';
    indicator.dataset.state = s.state;
    indicator.textContent = s.state === 'reconnecting' ? 'Reconnecting…' : s.state === 'offline' ? (s.stopped ? 'Disconnected' : 'Offline — will resume') : 'Connecting…';
  });

  let opened;
  try {
    opened = await connection.ready;
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 0;
    options.showMessage(status === 403 ? 'This room is private.' : status === 404 ? 'There is no such room.' : `The room could not be opened: ${(error as Error).message}`);
    indicator.hidden = true;
    return connection;
  }
  const { patch: patchHandle, state: stateHandle } = opened;

  let shownPatch: Patch | undefined;
  let activePreset: string | null = null;
  let presetProgram: Program | undefined;
  let applyTimer: ReturnType<typeof setTimeout> | undefined;
  let lastApply = 0;
  let presetGeneration = 0;
  let lastCode: string | undefined;
  const play = (program: Program) => {
    lastCode = program.code;
    options.play(program);
  };

  const applyPatch = () => {
    applyTimer = undefined;
    lastApply = Date.now();
    if (activePreset !== null) return;
    const read = docToPatch(patchHandle.doc(), shownPatch);
    shownPatch = read.patch;
    const compiled = patchToProgram(read.patch, registry, { name: 'Room patch', presetId: `room:${roomId}` });
    if (compiled.ok) play(compiled.program);
    else options.showMessage(compiled.issues.filter((i) => i.severity === 'error').map((i) => i.message).join(' ') || 'The room patch cannot play.');
  };
  const schedulePatch = () => {
    if (applyTimer !== undefined) return;
    applyTimer = setTimeout(applyPatch, Math.max(0, APPLY_EVERY_MS - (Date.now() - lastApply)));
  };

  const loadPreset = async (id: string) => {
    const mine = ++presetGeneration;
    const starter = options.presets.find((p) => `s_${p.id}` === id || p.id === id);
    let preset: Preset | undefined = starter;
    if (!preset) {
      try {
        // Through the room, not the library: guests in the audience may not browse the library.
        const item = (await api.get<RoomPresetResponse>(ROOM_PRESET_PATH(roomId))).preset;
        if (mine !== presetGeneration) return;
        if (!item) throw new Error('it is no longer in the library');
        // The room moved on since: its next state loads the right one.
        if (item.id !== id) return;
        const read = libraryPreset(item, registry);
        if (!read.ok) throw new Error(read.message);
        preset = read.preset;
      } catch (error) {
        if (mine !== presetGeneration) return;
        const why = error instanceof ApiError ? error.message : (error as Error).message;
        options.showMessage(`The room switched to a preset this player cannot load (${why}).`);
        return;
      }
    }
    if (mine !== presetGeneration || activePreset !== id) return;
    const compiled = presetToProgram(preset, registry);
    if (!compiled.ok) return options.showMessage(`“${preset.name}” cannot play: ${compiled.issues[0]?.message ?? 'invalid'}`);
    presetProgram = compiled.program;
    play(compiled.program);
  };

  const onState = () => {
    const doc = readRoomState(stateHandle.doc());
    const next = doc?.activePreset ?? null;
    if (next !== activePreset) {
      activePreset = next;
      presetProgram = undefined;
      if (next === null) applyPatch();
      else void loadPreset(next);
    }
    const playing = doc?.nowPlaying?.entry.title;
    caption.hidden = !playing;
    caption.textContent = playing ? `Now playing: ${playing}` : '';
  };

  patchHandle.on('change', schedulePatch);
  stateHandle.on('change', onState);
  onState();
  if (activePreset === null) applyPatch();
  Object.assign(window, { patchroomRoom: { status: () => connection.status.getState(), activePreset: () => activePreset, patch: () => shownPatch, presetProgram: () => presetProgram?.name, code: () => lastCode } });
  return connection;
}

function element(tag: string, className: string, testId: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.dataset.testid = testId;
  el.setAttribute('role', 'status');
  return el;
}

function safeStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}
