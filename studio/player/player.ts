import type { Program, ProgramError } from '../../runtime/compiler/program';
import type { ApplyResult, Executor } from '../../runtime/executor/executor';
import type { Registry } from '../../runtime/plugin/registry';
import { presetToProgram, type Preset } from '../../runtime/presets/preset';
import { decodeShareCode } from '../../runtime/presets/share';

export interface PlayerOptions {
  root: HTMLElement;
  executor: Executor;
  registry: Registry;
  presets: readonly Preset[];
  params: URLSearchParams;
  /** A room's player (/play/<room>): the room decides what plays, not the arrow keys or the URL. */
  follow?: boolean;
}

const HUD_IDLE_MS = 4000;

/**
 * The full-window player: plays the starter presets (← → to switch), or the code of a share link
 * (`?code=`), shows which preset is on, and shows errors without ever clearing the picture.
 */
export function createPlayer({ root, executor, registry, presets, params, follow = false }: PlayerOptions) {
  const nameEl = root.querySelector('[data-testid=preset-name]') as HTMLElement;
  const errorEl = root.querySelector('[data-testid=error-overlay]') as HTMLElement;
  const hud = root.querySelector('[data-testid=hud]') as HTMLElement;
  let index = Math.max(0, presets.findIndex((p) => p.id === params.get('preset')));
  let wanted: Program | undefined;
  let playing: Program | undefined;
  let hudTimer: ReturnType<typeof setTimeout> | undefined;

  executor.on((event) => {
    if (event.type === 'state') root.dataset.playerState = event.state;
    else if (event.type === 'error') {
      showError(event.program, event.error, event.phase);
      // The HUD names what is on screen: after a failed switch, that is still the previous program.
      if (event.phase !== 'render' && playing) announce(playing.name ?? 'Untitled');
    } else if (event.type === 'applied') {
      playing = event.program;
      announce(event.program.name ?? 'Untitled');
      if (event.program === wanted) hideError();
    }
    else if (event.type === 'fatal') showMessage(`The player cannot run here: ${event.message}`);
  });

  function showError(program: Program, error: ProgramError, phase: 'apply' | 'render' | 'hang') {
    const where = [error.line ? `line ${error.line}` : '', error.node ? `node ${error.node}` : ''].filter(Boolean).join(', ');
    const title = `${program.name ?? 'This program'} ${phase === 'render' ? 'hit an error while running' : phase === 'hang' ? 'stopped responding' : 'could not start'}`;
    const nothingGoodYet = executor.state === 'loading' || executor.state === 'fallback';
    const after = phase === 'render' ? '' : nothingGoodYet ? ' Showing the fallback picture instead.' : ' The last good picture keeps playing.';
    errorEl.replaceChildren(
      element('strong', title),
      element('span', `${error.message}${where ? ` (${where})` : ''}${after}`),
    );
    errorEl.dataset.kind = error.kind;
    delete errorEl.dataset.sticky;
    errorEl.hidden = false;
  }

  /** A message that stays until dismissed (Escape), unlike program errors which clear on success. */
  function showMessage(text: string) {
    errorEl.replaceChildren(element('strong', text));
    errorEl.dataset.sticky = 'true';
    errorEl.hidden = false;
  }

  function hideError(force = false) {
    if (errorEl.dataset.sticky && !force) return;
    delete errorEl.dataset.sticky;
    errorEl.hidden = true;
    errorEl.replaceChildren();
  }

  function announce(name: string) {
    nameEl.textContent = name;
    wakeHud();
  }

  function wakeHud() {
    hud.classList.remove('is-idle');
    clearTimeout(hudTimer);
    hudTimer = setTimeout(() => hud.classList.add('is-idle'), HUD_IDLE_MS);
  }

  function play(program: Program): Promise<ApplyResult> {
    wanted = program;
    announce(program.name ?? 'Untitled');
    return executor.apply(program);
  }

  function select(next: number): Promise<ApplyResult> {
    if (presets.length === 0) {
      showMessage('No presets are installed.');
      return Promise.resolve({ ok: false });
    }
    index = ((next % presets.length) + presets.length) % presets.length;
    const preset = presets[index]!;
    const compiled = presetToProgram(preset, registry);
    if (!compiled.ok) {
      const message = compiled.issues.filter((i) => i.severity === 'error').map((i) => i.message).join(' ');
      showError({ name: preset.name, code: '' }, { kind: 'invalid', message }, 'apply');
      announce(preset.name);
      return Promise.resolve({ ok: false });
    }
    return play(compiled.program);
  }

  function applyCode(code: string, name = 'Shared code'): Promise<ApplyResult> {
    return play({ code, name, presetId: 'shared' });
  }

  window.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowRight' && !follow) select(index + 1);
    else if (event.key === 'ArrowLeft' && !follow) select(index - 1);
    else if (event.key === 'Escape') hideError(true);
    else if (event.key === 'f' || event.key === 'F') toggleFullscreen();
    else return;
    event.preventDefault();
  });
  root.addEventListener('pointermove', wakeHud);

  function toggleFullscreen() {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.requestFullscreen?.().catch(() => showMessage('This browser refused full screen.'));
  }

  const shared = params.get('code');
  if (follow) {
    root.dataset.follow = 'room';
    root.querySelector('.player-hint')?.replaceChildren('F full screen');
  } else if (shared !== null) {
    const decoded = decodeShareCode(shared);
    if (decoded.ok) void applyCode(decoded.code);
    else {
      showMessage(decoded.message);
      void select(index);
    }
  } else {
    void select(index);
  }

  return {
    select,
    applyCode,
    play,
    showMessage,
    current: () => ({ index, name: nameEl.textContent ?? '' }),
  };
}

function element(tag: string, text: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}
