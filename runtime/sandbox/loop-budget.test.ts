import { describe, expect, it } from 'vitest';
import { instrument } from './instrument';
import { LOOP_BUDGET, LoopBudgetError, createLoopBudget, type BudgetPhase } from './loop-budget';

/** Calls the guard until it throws; returns how many calls passed and the error. */
function spend(guard: (line: number) => void, line: number, max = 5_000_000) {
  for (let i = 0; i < max; i++) {
    try {
      guard(line);
    } catch (error) {
      return { passed: i, error: error as LoopBudgetError };
    }
  }
  throw new Error('the guard never threw');
}

describe('createLoopBudget', () => {
  it.each(Object.keys(LOOP_BUDGET) as BudgetPhase[])('allows exactly the %s budget, then throws', (phase) => {
    const budget = createLoopBudget();
    budget.reset(phase);
    const { passed, error } = spend(budget.guard, 7);
    expect(passed).toBe(LOOP_BUDGET[phase]);
    expect(error).toBeInstanceOf(LoopBudgetError);
    expect(error.line).toBe(7);
    expect(error.phase).toBe(phase);
    expect(error.name).toBe('LoopBudgetError');
  });

  it('starts in the evaluation phase with a full budget', () => {
    const { passed, error } = spend(createLoopBudget().guard, 1);
    expect(passed).toBe(LOOP_BUDGET.evaluation);
    expect(error.phase).toBe('evaluation');
  });

  it('names the line, the limit and the phase in its message', () => {
    const budget = createLoopBudget();
    budget.reset('frame');
    const { error } = spend(budget.guard, 12);
    expect(error.message).toBe('A loop at line 12 ran more than 1,000,000 times in one frame and was stopped (it may never end).');
    expect(new LoopBudgetError(3, 'evaluation').message).toBe(
      'A loop at line 3 ran more than 1,000,000 times while the code was evaluated and was stopped (it may never end).',
    );
    expect(new LoopBudgetError(4, 'callback').message).toContain('at line 4 ran more than 1,000,000 times in one timer callback');
  });

  it('shares one budget between all loops of a phase', () => {
    const budget = createLoopBudget();
    budget.reset('callback');
    for (let i = 0; i < LOOP_BUDGET.callback - 10; i++) budget.guard(1);
    const { passed, error } = spend(budget.guard, 2);
    expect(passed).toBe(10);
    expect(error.line).toBe(2);
  });

  it('keeps throwing on every further call once spent, at the line of each call', () => {
    const budget = createLoopBudget();
    budget.reset('frame');
    spend(budget.guard, 1);
    for (const line of [5, 6, 7]) expect(() => budget.guard(line)).toThrow(`A loop at line ${line} ran more than`);
  });

  it('restores the full budget on reset', () => {
    const budget = createLoopBudget();
    budget.reset('evaluation');
    spend(budget.guard, 1);
    budget.reset('frame');
    expect(() => budget.guard(1)).not.toThrow();
    const { passed, error } = spend(budget.guard, 1);
    expect(passed).toBe(LOOP_BUDGET.frame - 1);
    expect(error.phase).toBe('frame');
  });

  it('stops an endless loop in instrumented code at its line', () => {
    const checked = instrument('let x = 0;\nfor (;;) {\n  x++;\n}', 'guard');
    if (!checked.ok) throw new Error(checked.message);
    const budget = createLoopBudget();
    budget.reset('evaluation');
    expect(() => new Function('guard', checked.code)(budget.guard)).toThrow(/^A loop at line 2 ran more than 1,000,000 times/);
  });
});
