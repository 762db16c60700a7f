/** A problem found in a patch. Errors stop it from compiling; warnings do not. */
export interface PatchIssue {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** The node the problem is at, when there is one. */
  node?: string;
  /** The port or parameter the problem is at, when there is one. */
  port?: string;
  /** Every node involved, e.g. the members of a cycle. */
  nodes?: string[];
  /** The plugin at fault, when a plugin's code failed. */
  plugin?: string;
  /** 1-based line and column in Hydra code, for problems found while reading code (code → patch). */
  line?: number;
  column?: number;
}

export function issue(code: string, message: string, extra: Omit<PatchIssue, 'severity' | 'code' | 'message'> = {}): PatchIssue {
  return { severity: 'error', code, message, ...extra };
}

export function warning(code: string, message: string, extra: Omit<PatchIssue, 'severity' | 'code' | 'message'> = {}): PatchIssue {
  return { severity: 'warning', code, message, ...extra };
}

export const hasErrors = (issues: readonly PatchIssue[]) => issues.some((i) => i.severity === 'error');
