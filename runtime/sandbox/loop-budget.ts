/**
 * A deterministic limit on loop iterations. `instrument` puts a call to the guard at the top of
 * every loop body; once a phase (one evaluation, one frame, one timer callback) has run more
 * iterations than its budget, the guard throws at the loop's line. Counting iterations instead of
 * milliseconds makes the limit the same on a fast laptop and a slow projector PC, and stops a
 * runaway loop at once, with its line, without killing the renderer. Code that escapes
 * instrumentation (`eval`, `Function`) is still caught by the heartbeat watchdog.
 */
export const LOOP_BUDGET = {
  evaluation: 1_000_000,
  frame: 1_000_000,
  callback: 1_000_000,
} as const;

export type BudgetPhase = keyof typeof LOOP_BUDGET;

export class LoopBudgetError extends Error {
  constructor(
    readonly line: number,
    readonly phase: BudgetPhase,
  ) {
    const limit = LOOP_BUDGET[phase].toLocaleString('en-US');
    const during = { evaluation: 'while the code was evaluated', frame: 'in one frame', callback: 'in one timer callback' }[phase];
    super(`A loop at line ${line} ran more than ${limit} times ${during} and was stopped (it may never end).`);
    this.name = 'LoopBudgetError';
  }
}

export function createLoopBudget() {
  let phase: BudgetPhase = 'evaluation';
  let left: number = LOOP_BUDGET.evaluation;
  return {
    /** Starts a new phase with a full budget. */
    reset(next: BudgetPhase) {
      phase = next;
      left = LOOP_BUDGET[next];
    },
    /** The guard user code calls; throws once the phase's budget is spent. */
    guard(line: number) {
      if (--left < 0) {
        left = 0; // keep throwing for every further iteration of this phase
        throw new LoopBudgetError(line, phase);
      }
    },
  };
}
