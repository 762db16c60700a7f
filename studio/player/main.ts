import { starterPresets } from '../../presets';
import { Executor } from '../../runtime/executor/executor';
import { FALLBACK_PROGRAM } from '../../runtime/executor/fallback';
import { createMemorySink, createTelemetry, randomId } from '../../runtime/telemetry/events';
import { createClientRegistry } from '../plugins';
import { createPlayer } from './player';
import './player.css';

const root = document.getElementById('player') as HTMLElement;
/** `/play/<room>` follows a room; `/play` plays the starter presets and share links. */
const roomId = /^\/play\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname)?.[1];
const memory = createMemorySink();
const telemetrySession = randomId();
const telemetry = createTelemetry(memory.sink, { session_id: telemetrySession, ...(roomId ? { room_id: roomId } : {}) });
const executor = new Executor({
  container: root.querySelector('[data-testid=stage]') as HTMLElement,
  sandboxUrl: '/sandbox/frame.html',
  frame: root.querySelector<HTMLIFrameElement>('[data-testid=renderer-frame]'),
  fallback: FALLBACK_PROGRAM,
  telemetry,
});

/** First frames of each program, on this page's clock (ms since navigation): for benchmarks. */
const firstFrames: Array<{ name: string; at: number }> = [];
executor.on((event) => {
  if (event.type !== 'first-frame') return;
  firstFrames.push({ name: event.program.name ?? '', at: event.at });
  if (firstFrames.length > 200) firstFrames.shift();
});

const player = createPlayer({
  root,
  executor,
  registry: createClientRegistry(),
  presets: starterPresets,
  params: new URLSearchParams(location.search),
  follow: roomId !== undefined,
});

if (roomId) {
  // Sync code (and Automerge's wasm) only for rooms, and off the first frame's path.
  void import('./room-follow').then(({ followRoom }) =>
    followRoom({
      roomId,
      root,
      registry: createClientRegistry(),
      presets: starterPresets,
      telemetry,
      telemetrySession,
      play: (program) => void player.play(program),
      showMessage: (text) => player.showMessage(text),
    }),
  ).catch((error: unknown) => player.showMessage(`The room could not be followed: ${(error as Error).message}`));
}

/** For tests and monitoring: the player's state, telemetry and a frame probe. */
Object.assign(window, {
  patchroomPlayer: {
    state: () => executor.state,
    frames: () => executor.frames,
    resources: () => executor.resources ?? null,
    events: () => memory.events(),
    firstFrames: () => firstFrames.slice(),
    probe: () => executor.probe(),
    presets: () => starterPresets.map((p) => ({ id: p.id, name: p.name, kind: p.kind })),
    current: () => player.current(),
    select: (index: number) => player.select(index),
    applyCode: (code: string, name?: string) => player.applyCode(code, name),
  },
});
