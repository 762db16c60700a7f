import { createStore } from 'zustand/vanilla';
import type { ProgramError } from '../../runtime/compiler/program';
import type { PlayerState } from '../../runtime/executor/executor';
import type { PatchIssue } from '../../runtime/patch/issues';

export interface RunState {
  /** What the preview is doing (the player's states). */
  status: PlayerState;
  /** The last error of what was asked to run, shown on its node, its code line and in the status bar. */
  error: (ProgramError & { phase: 'apply' | 'render' | 'hang' | 'compile' }) | undefined;
  /** Problems the patch has before it can run at all (validation, compile warnings). */
  issues: PatchIssue[];
  /** The Hydra code last sent to the preview. */
  code: string;
}

export function createRunStore() {
  return createStore<RunState>(() => ({ status: 'loading', error: undefined, issues: [], code: '' }));
}

export type RunStore = ReturnType<typeof createRunStore>;
