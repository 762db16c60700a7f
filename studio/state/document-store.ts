import { createStore } from 'zustand/vanilla';

/**
 * What the studio edits: a patch (the graph is the truth; code is generated from it and can be
 * edited back into it) or a code preset (Hydra code is the truth, run with Ctrl+Enter).
 */
export interface DocumentState {
  mode: 'patch' | 'code';
  /** The code preset's text (code mode). */
  code: string;
  /** The code panel's text in patch mode while the performer edits it (until Ctrl+Enter). */
  draft: string | undefined;
}

export function createDocumentStore(initial: Partial<DocumentState> = {}) {
  return createStore<DocumentState>(() => ({ mode: 'patch', code: '', draft: undefined, ...initial }));
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
