import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { createReteEditor, type ReteEditor } from '../editor/rete-editor';
import { Palette } from '../editor/Palette';
import { starterPresets } from '../../presets';
import { useStudio } from './studio';

/** The node editor, with the palette and an empty state that says how to begin. */
export function EditorPane({ onReady, onLoadPreset }: { onReady(editor: ReteEditor | undefined): void; onLoadPreset(id: string): void }) {
  const { patch, ui, registry } = useStudio();
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<ReteEditor>(undefined);
  const empty = useStore(patch, (s) => s.patch.nodes.length === 0);
  const palette = useStore(ui, (s) => s.palette);

  useEffect(() => {
    let disposed = false;
    let made: ReteEditor | undefined;
    void createReteEditor(host.current!, patch, { onRefused: (reason) => ui.toast(reason, 'error') }).then((editor) => {
      made = editor;
      if (disposed) return editor.destroy();
      editorRef.current = editor;
      onReady(editor);
      if (patch.getState().patch.nodes.length) void editor.zoomToFit();
    });
    return () => {
      disposed = true;
      made?.destroy();
      onReady(undefined);
    };
  }, [patch, ui, onReady]);

  const addAt = (type: string, screen: { x: number; y: number }) => {
    const editor = editorRef.current;
    if (!editor) return;
    const box = host.current!.getBoundingClientRect();
    const { x, y, k } = editor.area.area.transform;
    patch.addNode(type, { x: (screen.x - box.left - x) / k, y: (screen.y - box.top - y) / k });
    ui.closePalette();
  };

  return (
    <section className="pr-editor" aria-label="Node editor" data-testid="editor">
      <div ref={host} className="pr-editor-area" />
      {empty && (
        <div className="pr-empty-state" data-testid="empty-state">
          <h2>An empty patch</h2>
          <p>
            Press <kbd>Space</kbd> or <kbd>Tab</kbd> to add a node, or
            <button type="button" className="pr-link" onClick={() => ui.openPalette({ x: innerWidth / 4, y: 120 })}>
              open the palette
            </button>
            . Drag from an output to an input to connect.
          </p>
          <p>Or start from a starter patch:</p>
          <div className="pr-starters">
            {starterPresets
              .filter((p) => p.kind === 'patch')
              .map((p) => (
                <button key={p.id} type="button" onClick={() => onLoadPreset(p.id)} title={p.description}>
                  {p.name}
                </button>
              ))}
          </div>
        </div>
      )}
      {palette && <Palette nodes={registry.nodes()} at={palette} onPick={(def) => addAt(def.type, palette)} onClose={() => ui.closePalette()} />}
    </section>
  );
}
