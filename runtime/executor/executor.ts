import { nodeAtLine, type Program, type ProgramError } from '../compiler/program';
import { instrument } from '../sandbox/instrument';
import { LOOP_GUARD, type FrameStats, type FromSandbox, type Resources } from '../sandbox/protocol';
import type { Telemetry } from '../telemetry/events';
import { readVideoNotice, type VideoStatus } from './video-notice';
import { createSandboxFrame } from './sandbox-frame';
import { createWatchdog } from './watchdog';

/** What the player shows: tests and monitoring read it from `data-player-state`. */
export type PlayerState = 'loading' | 'running' | 'recovered' | 'fallback';

export interface ApplyResult {
  ok: boolean;
  error?: ProgramError;
  /** A newer apply replaced this one before it ran. */
  superseded?: boolean;
}

export type ExecutorEvent =
  | { type: 'state'; state: PlayerState }
  /** `phase`: while applying, while rendering afterwards, or a hang the watchdog caught. */
  | { type: 'error'; error: ProgramError; program: Program; phase: 'apply' | 'render' | 'hang' }
  | { type: 'applied'; program: Program }
  | { type: 'first-frame'; program: Program; at: number }
  /** A video source changed state (for views that show it: the video input node). */
  | { type: 'video'; video: VideoStatus }
  | { type: 'fatal'; message: string };

export interface ExecutorOptions {
  container: HTMLElement;
  sandboxUrl: string;
  /** The sandbox iframe when the page's HTML already has it (starts loading earlier). */
  frame?: HTMLIFrameElement | null;
  /** Runs when nothing good has run yet and a program fails. Must be known to work. */
  fallback: Program;
  telemetry: Telemetry;
  /**
   * A renderer silent for this long is hung. Loop guards stop ordinary runaway loops at once; this
   * only catches code that escapes them, so it can wait long enough that a busy machine (two
   * cores, software GL, the code editor's worker starting) is not mistaken for a hang.
   */
  hangTimeoutMs?: number;
}

export interface ApplyOptions {
  /** replace: the program is all there is; amend: it adds to the running one (hydra editor style). */
  mode?: 'replace' | 'amend';
  /** Empty the outputs first (a new preset). False for live edits, so feedback keeps its trails. */
  clear?: boolean;
}

interface Job {
  id: number;
  program: Program;
  mode: 'replace' | 'amend';
  clear: boolean;
  correlation: string;
  resolve: (result: ApplyResult) => void;
  /** Internal re-apply (recovery, fallback): no new start event. */
  internal: boolean;
  startedAt: number;
}

const GOOD_HISTORY = 4;

/**
 * Whether this page already reported its first drawn program. Module-wide, not per executor: the
 * playbook's "time to first visualizer frame" is the page's, whichever executor drew it.
 */
let pageFirstFrameReported = false;

/**
 * The host side of the runtime: owns one sandboxed renderer for the player's lifetime and applies
 * programs to it one at a time. A failed program leaves the last good one running; with no good
 * program the fallback runs; a renderer that hangs is restarted and given the last good program
 * that did not hang. Emits the playbook's hydra_* events.
 */
export class Executor {
  private readonly frame;
  private readonly watchdog;
  private readonly listeners = new Set<(event: ExecutorEvent) => void>();
  private readonly programs = new Map<number, Program>();
  private nextId = 1;
  private current: Job | undefined;
  private queued: Job | undefined;
  private good: number[] = [];
  private runningId: number | undefined;
  private state_: PlayerState = 'loading';
  private frames_ = 0;
  private resources_: Resources | undefined;
  private frameBase = 0;
  private beatGeneration = 0;
  private probeId = 0;
  /** Set when the renderer was restarted after a hang and has no program yet. */
  private needsRecovery = false;
  private readonly probes = new Map<number, (stats: FrameStats | null) => void>();

  constructor(private readonly options: ExecutorOptions) {
    this.watchdog = createWatchdog({
      timeoutMs: options.hangTimeoutMs ?? 1500,
      paused: () => document.visibilityState === 'hidden',
      onHang: (ms) => this.onHang(ms),
    });
    this.frame = createSandboxFrame({
      container: options.container,
      url: options.sandboxUrl,
      existing: options.frame ?? null,
      onMessage: (m) => this.onMessage(m),
    });
  }

  get state(): PlayerState {
    return this.state_;
  }

  /** Frames the renderer reported drawing (from its heartbeat). */
  get frames(): number {
    return this.frames_;
  }

  on(listener: (event: ExecutorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a program. A newer call made while this one waits replaces it (the older resolves `superseded`). */
  apply(program: Program, options: ApplyOptions = {}): Promise<ApplyResult> {
    const correlation = this.options.telemetry.newCorrelationId();
    this.options.telemetry.emit('hydra_preset_eval_start', correlation, this.programFields(program));
    const mode = options.mode ?? 'replace';
    return this.enqueue(program, mode, options.clear ?? mode === 'replace', correlation, false);
  }

  /** What the renderer held at its last heartbeat (textures, program resources, videos). */
  get resources(): Resources | undefined {
    return this.resources_;
  }

  /** Pixel statistics of the next frame, read inside the renderer right after it is drawn. */
  probe(timeoutMs = 5000): Promise<FrameStats | null> {
    const id = ++this.probeId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.probes.delete(id);
        resolve(null);
      }, timeoutMs);
      this.probes.set(id, (stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.frame.send({ t: 'probe', id });
    });
  }

  dispose(): void {
    this.watchdog.stop();
    this.frame.dispose();
    this.queued?.resolve({ ok: false, superseded: true });
    this.current?.resolve({ ok: false, superseded: true });
    this.listeners.clear();
  }

  /** Queues a job; `first` runs it before whatever waits (recovery must precede the next user program). */
  private enqueue(program: Program, mode: Job['mode'], clear: boolean, correlation: string, internal: boolean, first = false): Promise<ApplyResult> {
    return new Promise((resolve) => {
      const job: Job = { id: this.nextId++, program, mode, clear, correlation, resolve, internal, startedAt: performance.now() };
      this.programs.set(job.id, program);
      if (first && !this.current && this.frame.accepting) {
        this.send(job);
        return;
      }
      if (this.queued) this.queued.resolve({ ok: false, superseded: true });
      this.queued = job;
      this.pump();
    });
  }

  private pump(): void {
    // After a restart the recovery program goes first: a newer program must not be overwritten by it.
    if (this.current || !this.queued || !this.frame.accepting || this.needsRecovery) return;
    const job = this.queued;
    this.queued = undefined;
    this.send(job);
  }

  /** Checks syntax and guards loops here, so a typo costs no round trip and the renderer needs no parser. */
  private send(job: Job): void {
    this.current = job;
    job.startedAt = performance.now();
    const checked = instrument(job.program.code, LOOP_GUARD);
    if (!checked.ok) {
      this.finish(job, { kind: 'syntax', message: checked.message, line: checked.line, column: checked.column });
      return;
    }
    this.frame.send({ t: 'apply', id: job.id, code: checked.code, async: checked.async, mode: job.mode, clear: job.clear });
  }

  private onMessage(message: FromSandbox): void {
    switch (message.t) {
      case 'renderer-ready':
        this.watchdog.start();
        this.recoverIfNeeded();
        this.pump();
        break;
      case 'busy':
        // Only while applying: that is when the renderer compiles shaders.
        if (this.current) this.watchdog.grace(Math.min(message.ms, 10_000));
        break;
      case 'beat':
        this.watchdog.beat();
        if (message.generation !== this.beatGeneration) {
          // A restarted renderer counts from zero: keep the total rising.
          this.beatGeneration = message.generation;
          this.frameBase = this.frames_;
        }
        this.frames_ = this.frameBase + message.frames;
        if (message.resources) this.resources_ = message.resources;
        break;
      case 'applied':
        if (this.current?.id === message.id) this.finish(this.current, message.ok ? undefined : message.error);
        break;
      case 'first-frame': {
        const program = this.programs.get(message.id);
        if (program) this.emitEvent({ type: 'first-frame', program, at: message.at - performance.timeOrigin });
        break;
      }
      case 'runtime-error': {
        const program = this.programs.get(message.id);
        if (!program) break;
        const error = withNode(program, message.error);
        this.options.telemetry.emit('hydra_preset_eval_error', this.options.telemetry.newCorrelationId(), {
          ...this.programFields(program),
          ...errorFields(error),
          phase: 'render',
        });
        this.emitEvent({ type: 'error', error, program, phase: 'render' });
        break;
      }
      case 'probe':
        this.probes.get(message.id)?.(message.stats);
        this.probes.delete(message.id);
        break;
      case 'fatal':
        this.emitEvent({ type: 'fatal', message: message.message });
        break;
      case 'context-lost':
        // Not the program's fault: a new renderer gets the same program back.
        this.watchdog.stop();
        if (this.current) this.queued ??= this.current;
        this.current = undefined;
        this.needsRecovery = true;
        this.frame.restart('webgl context lost');
        break;
      case 'frame-ready':
        this.pump();
        break;
      case 'video': {
        const notice = readVideoNotice(message);
        if (!notice) break;
        const program = this.programs.get(notice.status.program);
        if (notice.telemetry) {
          this.options.telemetry.emit(notice.telemetry, notice.status.cid, { ...(program ? this.programFields(program) : { preset_id: 'unknown' }), ...notice.fields });
        }
        this.emitEvent({ type: 'video', video: notice.status });
        break;
      }
    }
  }

  private finish(job: Job, failure: ProgramError | undefined): void {
    this.current = undefined;
    const telemetry = this.options.telemetry;
    const duration_ms = Math.round(performance.now() - job.startedAt);
    if (!failure) {
      this.runningId = job.id;
      this.good = [...this.good.filter((id) => id !== job.id), job.id].slice(-GOOD_HISTORY);
      this.forgetUnused();
      if (!job.internal) {
        // The renderer reports "applied" in the task that drew the program's first frame.
        const firstFrame = pageFirstFrameReported ? {} : { first_frame_ms: Math.round(performance.now()) };
        pageFirstFrameReported = true;
        telemetry.emit('hydra_preset_eval_success', job.correlation, { ...this.programFields(job.program), duration_ms, ...firstFrame });
      }
      this.setState(job.program === this.options.fallback ? 'fallback' : job.internal ? 'recovered' : 'running');
      this.emitEvent({ type: 'applied', program: job.program });
      job.resolve({ ok: true });
    } else {
      const error = withNode(job.program, failure);
      telemetry.emit('hydra_preset_eval_error', job.correlation, { ...this.programFields(job.program), ...errorFields(error), phase: 'apply', duration_ms });
      this.emitEvent({ type: 'error', error, program: job.program, phase: 'apply' });
      job.resolve({ ok: false, error });
      if (this.runningId !== undefined) this.setState('recovered');
      else if (job.program !== this.options.fallback) this.applyFallback(job.correlation, error.message, true);
    }
    this.pump();
  }

  private applyFallback(correlation: string, reason: string, first = false): void {
    const fallback = this.options.fallback;
    this.options.telemetry.emit('hydra_fallback_applied', correlation, { ...this.programFields(fallback), reason });
    void this.enqueue(fallback, 'replace', true, correlation, true, first);
  }

  private onHang(silentForMs: number): void {
    // The program being applied hung, or, if none, the running one (a value function that loops).
    const blamedJob = this.current;
    const blamedId = blamedJob?.id ?? this.runningId;
    const program = blamedId !== undefined ? this.programs.get(blamedId) : undefined;
    this.good = this.good.filter((id) => id !== blamedId);
    if (blamedId === this.runningId) this.runningId = undefined;
    const error: ProgramError = {
      kind: 'hang',
      message: `The program stopped responding (no frame for ${Math.round(silentForMs)} ms) and was stopped. A loop that never ends, or very heavy work, can do this.`,
    };
    if (program) {
      const correlation = blamedJob?.correlation ?? this.options.telemetry.newCorrelationId();
      this.options.telemetry.emit('hydra_preset_eval_error', correlation, { ...this.programFields(program), ...errorFields(error), phase: 'hang' });
      this.emitEvent({ type: 'error', error, program, phase: 'hang' });
    }
    if (blamedJob) {
      this.current = undefined;
      blamedJob.resolve({ ok: false, error });
    }
    this.needsRecovery = true;
    this.frame.restart('hang');
  }

  /** After a restart the new renderer is empty: give it the last good program, or the fallback. */
  private recoverIfNeeded(): void {
    if (!this.needsRecovery) return;
    this.needsRecovery = false;
    const lastGood = this.good[this.good.length - 1];
    const program = lastGood !== undefined ? this.programs.get(lastGood) : undefined;
    this.runningId = undefined;
    const correlation = this.options.telemetry.newCorrelationId();
    if (program) void this.enqueue(program, 'replace', true, correlation, true, true);
    else this.applyFallback(correlation, 'the renderer was restarted and no earlier program was good', true);
  }

  private forgetUnused(): void {
    const keep = new Set([...this.good, this.current?.id, this.queued?.id]);
    for (const id of this.programs.keys()) if (!keep.has(id) && id < (this.good[0] ?? 0)) this.programs.delete(id);
  }

  private setState(state: PlayerState): void {
    if (this.state_ === state) return;
    this.state_ = state;
    this.emitEvent({ type: 'state', state });
  }

  private emitEvent(event: ExecutorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('Patchroom executor listener failed', error);
      }
    }
  }

  private programFields(program: Program): Record<string, unknown> {
    return { preset_id: program.presetId ?? 'unsaved', program_name: program.name };
  }
}

function withNode(program: Program, error: ProgramError): ProgramError {
  const node = nodeAtLine(program, error.line);
  return node ? { ...error, node } : error;
}

function errorFields(error: ProgramError): Record<string, unknown> {
  return { error_kind: error.kind, error_message: error.message.slice(0, 500), error_line: error.line, error_node: error.node };
}
