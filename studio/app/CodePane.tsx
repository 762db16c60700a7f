import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { instrument } from '../../runtime/sandbox/instrument';
import { useStudio } from './studio';

// Monaco is large: it loads on its own, never in the player's bundle.
const CodeEditor = lazy(() => import('../code/CodeEditor'));

export interface CodePaneProps {
  /** Ctrl+Enter in the code editor. */
  onEvaluate(code: string): void;
  /** Markers from parsing the code back into a patch (patch mode). */
  parseMarkers: Array<{ line: number; column?: number; message: string }>;
}

/**
 * The code panel. In patch mode it shows the patch's Hydra code, live; editing it and pressing
 * Ctrl+Enter turns the code back into the patch. In code mode it is the code preset itself.
 */
export function CodePane({ onEvaluate, parseMarkers }: CodePaneProps) {
  const { doc, run, registry } = useStudio();
  const mode = useStore(doc, (s) => s.mode);
  const draft = useStore(doc, (s) => s.draft);
  const presetCode = useStore(doc, (s) => s.code);
  const generated = useStore(run, (s) => s.code);
  const error = useStore(run, (s) => s.error);
  const value = mode === 'code' ? presetCode : (draft ?? generated);
  const wanted = useEditorSoon(mode === 'code');

  // Syntax errors as you type, from the same parser that checks a program before it runs.
  const syntax = useMemo(() => {
    const checked = instrument(value, 'g');
    return checked.ok ? [] : [{ line: checked.line, column: checked.column, message: checked.message }];
  }, [value]);
  const markers = useMemo(() => {
    const fromRun = error?.line && error.kind !== 'syntax' ? [{ line: error.line, ...(error.column ? { column: error.column } : {}), message: error.message }] : [];
    return [...syntax, ...(syntax.length ? [] : parseMarkers), ...fromRun];
  }, [error, parseMarkers, syntax]);

  return (
    <section className="pr-code" aria-label={mode === 'code' ? 'Code preset' : 'Patch as Hydra code'} data-testid="code-pane">
      <header className="pr-pane-title">
        <span>{mode === 'code' ? 'Code preset' : 'Hydra code'}</span>
        <small>{mode === 'code' ? 'Ctrl+Enter runs it' : draft !== undefined ? 'edited: Ctrl+Enter applies it to the patch' : 'generated from the patch; edit and press Ctrl+Enter'}</small>
      </header>
      {wanted ? (
        <Suspense fallback={<p className="pr-loading" data-testid="code-loading">Loading the code editor…</p>}>
          <CodeEditor
            value={value}
            registry={registry}
            markers={markers}
            ariaLabel="Hydra code"
            onChange={(text) => (mode === 'code' ? doc.setState({ code: text }) : doc.setState({ draft: text }))}
            onEvaluate={onEvaluate}
          />
        </Suspense>
      ) : (
        <pre className="pr-code-plain" data-testid="code-plain">
          {value}
        </pre>
      )}
    </section>
  );
}

/**
 * Monaco is megabytes of script: it loads once the page is idle (or at once in code mode), so the
 * node editor and the preview come first. Until then the code shows as plain text.
 */
function useEditorSoon(now: boolean): boolean {
  const [ready, setReady] = useState(now);
  useEffect(() => {
    if (ready) return;
    if (now) {
      setReady(true);
      return;
    }
    const idle = globalThis.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 300));
    const cancel = globalThis.cancelIdleCallback ?? clearTimeout;
    const handle = idle(() => setReady(true), { timeout: 1500 });
    return () => cancel(handle as never);
  }, [now, ready]);
  return ready || now;
}
