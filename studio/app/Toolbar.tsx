import { useRef } from 'react';
import { useStore } from 'zustand';
import { AccountButton } from '../account/AccountButton';
import { LibraryButton } from '../library/LibraryButton';
import { RoomButtons } from '../rooms/RoomButtons';
import { PresenceAvatars } from '../sync/PresenceAvatars';
import { useStudio } from './studio';

export interface ToolbarActions {
  addNode(): void;
  arrange(): void;
  fit(): void;
  importFile(file: File): void;
  exportFile(): void;
  share(): void;
  toCode(): void;
  toPatch(): void;
  run(): void;
}

/** Mode, history, layout and file actions. Every button has a keyboard twin (see Help). */
export function Toolbar({ actions }: { actions: ToolbarActions }) {
  const { patch, doc, ui, room } = useStudio();
  const mode = useStore(doc, (s) => s.mode);
  const canUndo = useStore(patch, (s) => s.past.length > 0);
  const canRedo = useStore(patch, (s) => s.future.length > 0);
  const file = useRef<HTMLInputElement>(null);
  return (
    <header className="pr-toolbar" data-testid="toolbar">
      <strong className="pr-brand">Patchroom</strong>
      <span className="pr-room" title="Room">{room === 'local' ? 'local studio' : room}</span>
      <div className="pr-segmented" role="group" aria-label="Mode">
        <button type="button" aria-pressed={mode === 'patch'} data-testid="mode-patch" onClick={actions.toPatch}>
          Patch
        </button>
        <button type="button" aria-pressed={mode === 'code'} data-testid="mode-code" onClick={actions.toCode}>
          Code
        </button>
      </div>
      <button type="button" onClick={actions.run} title="Run (Ctrl+Enter)" data-testid="run">
        ▶ Run
      </button>
      {mode === 'patch' && (
        <>
          <button type="button" onClick={actions.addNode} title="Add a node (Space)" data-testid="add-node">
            + Node
          </button>
          <button type="button" onClick={() => patch.undo()} disabled={!canUndo} title="Undo (Ctrl+Z)" data-testid="undo">
            Undo
          </button>
          <button type="button" onClick={() => patch.redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
            Redo
          </button>
          <button type="button" onClick={actions.arrange} title="Arrange (Shift+A)" data-testid="arrange">
            Arrange
          </button>
          <button type="button" onClick={actions.fit} title="Zoom to fit (Home)" data-testid="fit">
            Fit
          </button>
        </>
      )}
      <LibraryButton />
      <span className="pr-spacer" />
      <PresenceAvatars />
      <RoomButtons />
      <button type="button" onClick={() => file.current?.click()} title="Open a patch file (.json)" data-testid="import">
        Import
      </button>
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-input"
        onChange={(e) => {
          const chosen = e.target.files?.[0];
          if (chosen) actions.importFile(chosen);
          e.target.value = '';
        }}
      />
      <button type="button" onClick={actions.exportFile} title="Save the patch as a file" data-testid="export">
        Export
      </button>
      <button type="button" onClick={actions.share} title="Copy a link that plays this in the player" data-testid="share">
        Share
      </button>
      <button type="button" onClick={() => ui.toggleHelp()} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ?
      </button>
      <AccountButton />
    </header>
  );
}
