/**
 * What the executor applies: Hydra code plus what it needs to report well. Programs are plain data
 * so they can cross into the sandbox by postMessage.
 */
export interface Program {
  code: string;
  /** Shown in the player and carried in telemetry. */
  name?: string;
  presetId?: string;
  /** For programs compiled from a patch: the line of each node's text, to put errors on nodes. */
  nodeLines?: Record<string, number>;
}

/** The error a program failed with, as the executor reports it. */
export interface ProgramError {
  /** What kind of failure: drives the message a user sees and the telemetry. */
  kind: 'syntax' | 'runtime' | 'shader' | 'timeout' | 'hang' | 'value' | 'invalid';
  message: string;
  /** 1-based line in the program's code, when known. */
  line?: number;
  column?: number;
  /** The node at that line, for programs compiled from a patch. */
  node?: string;
}

export function nodeAtLine(program: Program, line: number | undefined): string | undefined {
  if (line === undefined || !program.nodeLines) return undefined;
  let best: string | undefined;
  let bestLine = 0;
  for (const [node, nodeLine] of Object.entries(program.nodeLines)) {
    if (nodeLine === line) return node;
    if (nodeLine < line && nodeLine > bestLine) {
      best = node;
      bestLine = nodeLine;
    }
  }
  return best;
}
