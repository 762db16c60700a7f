import { useEffect, useRef, useState } from 'react';
import type { Registry } from '../../runtime/plugin/registry';
import type { HydraEditor } from './editor-setup';
import { MARKER_OWNER, toMarker, type CodeEditorMarker } from './markers';

export type { CodeEditorMarker };
import { minimalEdit } from './text-diff';

export interface CodeEditorProps {
  value: string;
  onChange?(value: string): void;
  onEvaluate(code: string): void;
  markers: CodeEditorMarker[];
  readOnly?: boolean;
  registry: Registry;
  ariaLabel?: string;
}


/**
 * The Monaco code panel. Monaco itself is imported dynamically on mount, so this module stays
 * small and the editor shows a loading state (or a load error) until Monaco is ready.
 */
export default function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState<HydraEditor | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // Monaco's listeners are bound once; they read the latest props through this ref.
  const latest = useRef(props);
  latest.current = props;
  /** Set while `value` from the props is applied, so that edit is not reported back as onChange. */
  const applyingProps = useRef(false);
  /**
   * Texts reported through onChange that the props have not caught up with. When the user types
   * faster than React renders, `value` arrives one keystroke behind the model: such a stale echo
   * of our own edit must not be written back, or it would eat the newer keystrokes.
   */
  const echoes = useRef<string[]>([]);

  // Create once; everything created here is disposed on unmount.
  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    import('./editor-setup')
      .then(({ createHydraEditor }) => {
        if (disposed || !host.current) return;
        const created = createHydraEditor(host.current, latest.current, {
          onChange: (value) => {
            if (applyingProps.current) return;
            echoes.current.push(value);
            if (echoes.current.length > 200) echoes.current.shift();
            latest.current.onChange?.(value);
          },
          onEvaluate: (code) => latest.current.onEvaluate(code),
        });
        cleanup = created.dispose;
        setReady(created);
      })
      .catch((error: unknown) => {
        if (!disposed) setFailed(error instanceof Error ? error.message : String(error));
      });
    return () => {
      disposed = true;
      cleanup?.();
    };
  }, []);

  // Outside changes (e.g. the patch was edited): apply only the changed part of the text.
  useEffect(() => {
    const model = ready?.editor.getModel();
    if (!ready || !model) return;
    const current = model.getValue();
    if (current === props.value) {
      echoes.current = [];
      return;
    }
    if (echoes.current.includes(props.value)) return;
    echoes.current = [];
    const edit = minimalEdit(current, props.value);
    if (!edit) return;
    const range = ready.monaco.Range.fromPositions(model.getPositionAt(edit.start), model.getPositionAt(edit.end));
    applyingProps.current = true;
    try {
      // pushEditOperations keeps the change undoable and works when the editor is read-only.
      model.pushEditOperations(ready.editor.getSelections(), [{ range, text: edit.text, forceMoveMarkers: true }], () => null);
    } finally {
      applyingProps.current = false;
    }
  }, [ready, props.value]);

  useEffect(() => {
    ready?.setRegistry(props.registry);
  }, [ready, props.registry]);

  useEffect(() => {
    ready?.editor.updateOptions({ readOnly: props.readOnly ?? false, domReadOnly: props.readOnly ?? false });
  }, [ready, props.readOnly]);

  useEffect(() => {
    ready?.editor.updateOptions({ ariaLabel: props.ariaLabel ?? 'Hydra code' });
  }, [ready, props.ariaLabel]);

  // Set when the markers change (not on every edit): Monaco then moves them along with the text.
  useEffect(() => {
    const model = ready?.editor.getModel();
    if (!ready || !model) return;
    ready.monaco.editor.setModelMarkers(model, MARKER_OWNER, props.markers.map((m) => toMarker(ready.monaco, model, m)));
  }, [ready, props.markers]);

  return (
    <div
      data-testid="code-editor"
      data-state={failed ? 'error' : ready ? 'ready' : 'loading'}
      data-markers={String(props.markers.length)}
      style={{ position: 'relative', width: '100%', height: '100%', minHeight: 0, overflow: 'hidden' }}
    >
      <div ref={host} style={{ position: 'absolute', inset: 0 }} />
      {!ready && (
        <div role="status" style={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center', color: '#9aa0a6', font: '13px system-ui, sans-serif' }}>
          {failed ? `The code editor could not load: ${failed}` : 'Loading code editor…'}
        </div>
      )}
    </div>
  );
}
