import type { ProgramError } from '../compiler/program';
import { calibrateLocator, locate, sourceName } from './error-location';
import type { HydraRuntime } from './hydra-runtime';
import { ShaderError } from './hydra-runtime';
import { LoopBudgetError, createLoopBudget } from './loop-budget';
import { ProgramScope, type ScopeFailure } from './program-scope';
import { LOOP_GUARD } from './protocol';
import type { OriginalTimers } from './scoped-timers';

/** How long top-level `await` in a program may take before the program is given up. */
export const ASYNC_DEADLINE_MS = 10_000;
const USER_PROPS = ['speed', 'bpm', 'fps', 'update', 'afterUpdate'] as const;
const MAX_REPORTS_PER_PROGRAM = 8;

type Runnable = (guard: (line: number) => void) => unknown;
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => Runnable;

function makeFunction(code: string, name: string, isAsync: boolean): Runnable {
  const body = `${code}\n//# sourceURL=${name}`;
  return isAsync ? new AsyncFunction(LOOP_GUARD, body) : (new Function(LOOP_GUARD, body) as Runnable);
}

export type ApplyOutcome = { ok: true } | { ok: false; error: ProgramError };

/**
 * Applies programs atomically on a hydra runtime: checks syntax, evaluates under a loop budget
 * with `.out()` staged, compiles every shader, draws one validation frame, and only then lets the
 * new program replace the old one. Any failure on the way puts everything back as it was (outputs,
 * render target, speed/bpm/update, sources, resolution, function table) and releases what the
 * failed program allocated. Errors come back with the user's line.
 */
export function createProgramRunner(
  rt: HydraRuntime,
  timers: Pick<OriginalTimers, 'setTimeout' | 'clearTimeout'>,
  onRuntimeError: (id: number, error: ProgramError) => void,
  /** Called before blocking on the GPU, so the host's watchdog does not take it for a hang. */
  onGpuWork: () => void = () => {},
) {
  const g = globalThis as Record<string, unknown>;
  const budget = createLoopBudget();
  const locator = calibrateLocator((body, name) => makeFunction(body, name, false) as () => unknown);
  const where = (stack: string | undefined, name: string) => locate(stack, name, locator.offset, locator.functionSite);
  let running: ProgramScope | undefined;
  let evaluating: ProgramScope | undefined;
  let active: ProgramScope | undefined;
  let defaultSize = { width: rt.hydra.canvas.width as number, height: rt.hydra.canvas.height as number };

  const reported = new WeakMap<ProgramScope, Set<string>>();
  const report = (id: number, failure: ScopeFailure) => {
    const scope = running?.id === id ? running : undefined;
    if (!scope) return;
    const seen = reported.get(scope) ?? new Set<string>();
    reported.set(scope, seen);
    const error = toProgramError(failure.error, 'value', id, failure.site);
    if (seen.has(error.message) || seen.size >= MAX_REPORTS_PER_PROGRAM) return;
    seen.add(error.message);
    onRuntimeError(id, error);
  };

  function toProgramError(error: unknown, kind: ProgramError['kind'], id: number, site?: Error): ProgramError {
    const name = sourceName(id);
    const e = error as Partial<Error> | undefined;
    const at =
      error instanceof LoopBudgetError
        ? { line: error.line, column: 1 }
        : (where(e?.stack, name) ?? (site ? where(site.stack, name) : undefined));
    const message = error instanceof Error ? (error.name && !['Error', 'LoopBudgetError', 'ShaderError', 'DeadlineError'].includes(error.name) ? `${error.name}: ${error.message}` : error.message) : `Uncaught ${String(error)}`;
    const timedOut = error instanceof LoopBudgetError || error instanceof DeadlineError;
    const result: ProgramError = { kind: timedOut ? 'timeout' : error instanceof ShaderError ? 'shader' : kind, message };
    if (at) {
      result.line = at.line;
      result.column = at.column;
    }
    return result;
  }

  function snapshot() {
    return {
      draws: rt.outputs.map((o) => o.draw),
      output: rt.hydra.output,
      renderAll: rt.hydra.isRenderingAll,
      props: Object.fromEntries(USER_PROPS.map((k) => [k, g[k]])),
      sources: rt.sources.snapshot(),
      size: { width: rt.hydra.canvas.width as number, height: rt.hydra.canvas.height as number },
      table: rt.captureTable(),
    };
  }
  type Snapshot = ReturnType<typeof snapshot>;

  function restore(snap: Snapshot) {
    rt.outputs.forEach((o, i) => (o.draw = snap.draws[i]));
    rt.hydra.output = snap.output;
    rt.hydra.isRenderingAll = snap.renderAll;
    for (const k of USER_PROPS) g[k] = snap.props[k];
    rt.sources.restore(snap.sources);
    if (rt.hydra.canvas.width !== snap.size.width || rt.hydra.canvas.height !== snap.size.height) rt.resize(snap.size.width, snap.size.height);
    rt.restoreTable(snap.table);
  }

  /** A preset starts from a clean slate: hydra's defaults, its own function table, blank sources. */
  function resetForReplace() {
    rt.restoreTable(rt.baseline);
    g.speed = 1;
    g.bpm = 30;
    g.fps = undefined;
    g.update = () => {};
    g.afterUpdate = () => {};
    rt.renderOutput(rt.outputs[0]);
    rt.sources.blankAll();
    if (rt.hydra.canvas.width !== defaultSize.width || rt.hydra.canvas.height !== defaultSize.height) rt.resize(defaultSize.width, defaultSize.height);
  }

  /** `update`/`afterUpdate` run every frame: guarded like value functions, reported once. */
  function guardCallbacks(scope: ProgramScope | undefined) {
    for (const key of ['update', 'afterUpdate'] as const) {
      const fn = g[key] as ((dt: number) => unknown) & { patchroomGuarded?: true };
      if (typeof fn !== 'function' || fn.patchroomGuarded) continue;
      const site = new Error();
      let failed = false;
      const guarded = Object.assign(
        (dt: number) => {
          if (failed) return;
          try {
            fn(dt);
          } catch (error) {
            failed = true; // a throwing update is switched off, not run (and reported) every frame
            scope?.fail(error, site);
          }
        },
        { patchroomGuarded: true as const },
      );
      g[key] = guarded;
    }
  }

  function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = timers.setTimeout(() => reject(new DeadlineError(ms)), ms);
    });
    return Promise.race([promise, deadline]).finally(() => timers.clearTimeout(timer));
  }

  /**
   * `code` is the program's code as `instrument` returned it (syntax checked, loops guarded): the
   * host does that before sending, which keeps the parser out of the renderer's start-up.
   */
  /** Draws the (restored) running program, so a failed first frame never stays on the canvas. */
  function redraw() {
    budget.reset('frame');
    try {
      rt.renderFrame(0);
    } catch {
      // the running program drew fine a frame ago; a failure here is reported by the frame loop
    }
  }

  async function apply(id: number, code: { code: string; async: boolean }, mode: 'replace' | 'amend', clear = mode === 'replace'): Promise<ApplyOutcome> {
    let run: Runnable;
    try {
      run = makeFunction(code.code, sourceName(id), code.async);
    } catch (error) {
      // The host's parser accepted it but this engine does not (syntax newer than the browser).
      return { ok: false, error: { kind: 'syntax', message: `Syntax error: ${(error as Error).message}` } };
    }

    const snap = snapshot();
    const scope = new ProgramScope(id, report);
    const fail = (error: unknown, kind: ProgramError['kind'], site?: Error): ApplyOutcome => {
      rt.stopStaging();
      restore(snap);
      scope.dispose();
      evaluating = undefined;
      active = running;
      redraw();
      return { ok: false, error: toProgramError(error, kind, id, site) };
    };

    evaluating = active = scope;
    if (mode === 'replace') resetForReplace();
    rt.startStaging();
    budget.reset('evaluation');
    try {
      const result = run(budget.guard);
      if (code.async) await withDeadline(result as Promise<unknown>, ASYNC_DEADLINE_MS);
    } catch (error) {
      return fail(error, 'runtime');
    }
    const staged = rt.stopStaging();

    const targets = mode === 'replace' ? rt.outputs : [...staged.keys()];
    onGpuWork();
    for (const output of targets) {
      const entry = staged.get(output);
      const error = entry ? rt.commit(output, entry.passes, entry.blank) : rt.commit(output, rt.blankPasses(), true);
      if (error) return fail(error, 'shader', entry?.site);
    }

    // The program's first frame, drawn now: it runs every value function and update() once and
    // links every shader, so what would fail on the first frame fails here, and a switch shows its
    // new picture without waiting for the next animation frame. If it fails, the old program
    // draws this frame instead (the canvas shows nothing half-drawn: it is committed after this task).
    guardCallbacks(scope);
    budget.reset('frame');
    if (clear) rt.clearOutputs();
    try {
      rt.renderFrame(0);
    } catch (error) {
      return fail(error, 'runtime');
    }
    const first = scope.failures[0];
    if (first) return fail(first.error, 'value', first.site);

    scope.applying = false;
    evaluating = undefined;
    if (mode === 'amend' && running) {
      scope.mergeInto(running);
      running.id = id;
    } else {
      running?.dispose();
      running = scope;
    }
    active = running;
    return { ok: true };
  }

  return {
    apply,
    /** The scope that owns whatever user code creates right now. */
    scope: () => active,
    runningId: () => running?.id,
    /** What the running program holds: timers, listeners, textures, bitmaps. */
    held: () => running?.size ?? 0,
    /** The player's size changed: follow it, unless the program chose its own resolution. */
    resizeDefault(width: number, height: number) {
      const w = Math.max(1, Math.min(4096, Math.round(width)));
      const h = Math.max(1, Math.min(4096, Math.round(height)));
      const followsDefault = rt.hydra.canvas.width === defaultSize.width && rt.hydra.canvas.height === defaultSize.height;
      defaultSize = { width: w, height: h };
      rt.setViewport(w, h);
      if (followsDefault) rt.resize(w, h);
    },
    /** Runs a frame-phase piece of user work (the hydra tick) under the running program. */
    beginFrame() {
      active = evaluating ?? running;
      guardCallbacks(running);
      budget.reset('frame');
    },
    /** Runs a timer or listener callback of `owner` under its own budget. */
    runCallback(creator: ProgramScope, fn: (...a: unknown[]) => unknown, args: unknown[]) {
      const owner = creator.resolve();
      if (!owner.alive) return;
      const previous = active;
      active = owner;
      budget.reset('callback');
      try {
        fn(...args);
      } catch (error) {
        owner.fail(error);
      } finally {
        active = previous;
      }
    },
  };
}

class DeadlineError extends Error {
  constructor(ms: number) {
    super(`The program's top-level await did not finish within ${ms / 1000} s and was given up.`);
    this.name = 'DeadlineError';
  }
}
