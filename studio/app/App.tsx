import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { codeToPatch } from '../../runtime/compiler/code-to-patch';
import { compilePatch } from '../../runtime/compiler/compile';
import { starterPresets } from '../../presets';
import type { Preset } from '../../runtime/presets/preset';
import { AccountDialog } from '../account/AccountDialog';
import { autoArrange } from '../editor/auto-arrange';
import type { ReteEditor } from '../editor/rete-editor';
import type { MediaItem } from '../library/library-api';
import { LibraryPanel } from '../library/LibraryPanel';
import { useOnline } from '../online';
import { RoomDialog } from '../rooms/RoomDialog';
import { RoomsDialog } from '../rooms/RoomsDialog';
import { patchFile, readPatchFile, shareLink } from '../state/files';
import { CodePane } from './CodePane';
import { EditorPane } from './EditorPane';
import { Help } from './Help';
import { PreviewPane, type PreviewRunner } from './PreviewPane';
import { findShortcut, isTyping } from './shortcuts';
import { StatusBar } from './StatusBar';
import { useStudio } from './studio';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';
import { QueuePanel } from '../sync/QueuePanel';

/** The studio: toolbar, node editor, preview and code, status, toasts; keyboard habits throughout. */
export function App() {
  const studio = useStudio();
  const { patch, doc, ui, run, registry } = studio;
  const online = useOnline();
  const mode = useStore(doc, (s) => s.mode);
  const hidden = useStore(ui, (s) => s.hidden);
  const editor = useRef<ReteEditor>(undefined);
  const preview = useRef<PreviewRunner>(undefined);
  const previewBox = useRef<HTMLDivElement>(null);
  const [parseMarkers, setParseMarkers] = useState<Array<{ line: number; column?: number; message: string }>>([]);
  const pointer = useRef({ x: innerWidth / 3, y: innerHeight / 3 });
  const onEditor = useCallback((e: ReteEditor | undefined) => (editor.current = e), []);
  const onPreview = useCallback((p: PreviewRunner | undefined) => {
    preview.current = p;
    // Tests and monitoring read the preview's frames the same way as the player's.
    const debug = (window as unknown as { patchroomStudio?: Record<string, unknown> }).patchroomStudio;
    if (debug) debug.probe = () => p?.executor.probe() ?? Promise.resolve(null);
  }, []);

  /** Ctrl+Enter: code mode runs the code; patch mode turns edited code back into the patch. */
  const evaluate = useCallback(
    (text?: string) => {
      const state = doc.getState();
      if (state.mode === 'code') {
        void preview.current?.playCode(text ?? state.code);
        return;
      }
      const code = text ?? state.draft;
      if (code === undefined || code === run.getState().code) {
        preview.current?.playPatch(patch.getState().patch);
        return;
      }
      const parsed = codeToPatch(code, registry, { hint: patch.getState().patch });
      if (!parsed.ok) {
        setParseMarkers(parsed.issues.filter((i) => i.line !== undefined).map((i) => ({ line: i.line!, ...(i.column ? { column: i.column } : {}), message: i.message })));
        ui.toast(parsed.issues[0]?.message ?? 'The code could not be read.', 'error');
        return;
      }
      setParseMarkers([]);
      doc.setState({ draft: undefined });
      patch.replace(parsed.patch);
    },
    [doc, patch, registry, run, ui],
  );

  const applyPreset = useCallback(
    (preset: Preset) => {
      if (preset.kind === 'patch') {
        doc.setState({ mode: 'patch', draft: undefined });
        patch.replace(preset.patch);
        void editor.current?.settled().then(() => editor.current?.zoomToFit());
      } else {
        doc.setState({ mode: 'code', code: preset.code });
      }
      ui.toast(`Loaded “${preset.name}”.`);
    },
    [doc, patch, ui],
  );
  /** A library video into the patch: a video node with its URL, ready to wire to an output. */
  const useVideo = useCallback(
    (item: MediaItem) => {
      const count = patch.getState().patch.nodes.filter((n) => n.type === 'video-input/video').length;
      patch.addNode('video-input/video', { x: 60 + 30 * count, y: 60 + 30 * count }, { url: item.url });
      ui.toast(`Added a video node for “${item.title}”${doc.getState().mode === 'patch' ? '' : ' to the patch'}: connect it to an output.`);
    },
    [doc, patch, ui],
  );
  const loadPreset = useCallback(
    (id: string) => {
      const preset = starterPresets.find((p) => p.id === id);
      if (preset) applyPreset(preset);
    },
    [applyPreset],
  );

  const actions = {
    addNode: () => ui.openPalette({ x: 80, y: 80 }),
    arrange: () => {
      const heights = new Map(editor.current?.editor.getNodes().map((n) => [n.id, n.height]) ?? []);
      patch.moveNodes(autoArrange(patch.getState().patch, (id) => heights.get(id) ?? 160));
      void editor.current?.settled().then(() => editor.current?.zoomToFit());
    },
    fit: () => void editor.current?.zoomToFit(),
    importFile: (file: File) => {
      void file.text().then((text) => {
        const read = readPatchFile(text, registry);
        if (!read.ok) {
          ui.toast(`Could not open ${file.name}: ${read.message} Nothing was changed.`, 'error');
          return;
        }
        doc.setState({ mode: 'patch', draft: undefined });
        patch.replace(read.patch);
        ui.toast(`Opened ${file.name}.`);
        void editor.current?.settled().then(() => editor.current?.zoomToFit());
      });
    },
    exportFile: () => {
      const current = patch.getState().patch;
      const name = `${(current.name ?? 'patch').replace(/[^A-Za-z0-9_-]+/g, '-')}.json`;
      const url = URL.createObjectURL(new Blob([patchFile(current)], { type: 'application/json' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: name });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    share: () => {
      const state = doc.getState();
      const code = state.mode === 'code' ? state.code : compilePatch(patch.getState().patch, registry).code;
      const link = shareLink(location.origin, code);
      void navigator.clipboard?.writeText(link).then(
        () => ui.toast('Player link copied to the clipboard.'),
        () => ui.toast(`Player link: ${link}`),
      );
      (window as unknown as { patchroomLastShare?: string }).patchroomLastShare = link;
    },
    toCode: () => {
      if (doc.getState().mode === 'code') return;
      doc.setState({ mode: 'code', code: compilePatch(patch.getState().patch, registry).code, draft: undefined });
    },
    toPatch: () => {
      const state = doc.getState();
      if (state.mode === 'patch') return;
      const parsed = codeToPatch(state.code, registry, { hint: patch.getState().patch });
      if (!parsed.ok) {
        ui.toast(`The code cannot become a patch yet: ${parsed.issues[0]?.message ?? 'unreadable'}`, 'error');
        return;
      }
      doc.setState({ mode: 'patch', draft: undefined });
      patch.replace(parsed.patch);
      void editor.current?.settled().then(() => editor.current?.zoomToFit());
    },
    run: () => evaluate(),
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = findShortcut(e);
      if (!action) return;
      const inPatch = doc.getState().mode === 'patch';
      switch (action) {
        case 'evaluate':
          // The code editor handles its own Ctrl+Enter (with its current text).
          if ((e.target as HTMLElement | null)?.closest?.('.monaco-editor')) return;
          evaluate();
          break;
        case 'hide-ui':
          ui.toggleHidden();
          break;
        case 'fullscreen':
          void (document.fullscreenElement ? document.exitFullscreen() : previewBox.current?.requestFullscreen());
          break;
        case 'palette': {
          if (!inPatch) return;
          ui.openPalette(pointer.current);
          break;
        }
        case 'undo':
          if (!inPatch) return;
          patch.undo();
          break;
        case 'redo':
          if (!inPatch) return;
          patch.redo();
          break;
        case 'delete':
          if (!inPatch) return;
          patch.removeNodes(patch.getState().selection);
          break;
        case 'duplicate':
          if (!inPatch) return;
          patch.duplicate();
          break;
        case 'select-all':
          if (!inPatch) return;
          patch.select(patch.getState().patch.nodes.map((n) => n.id));
          break;
        case 'arrange':
          if (!inPatch) return;
          actions.arrange();
          break;
        case 'fit':
          actions.fit();
          break;
        case 'library':
          online.library.toggle();
          break;
        case 'help':
          ui.toggleHelp();
          break;
        case 'escape':
          ui.closePalette();
          if (ui.getState().help) ui.toggleHelp();
          return;
      }
      e.preventDefault();
    };
    const onPointer = (e: PointerEvent) => (pointer.current = { x: e.clientX, y: e.clientY });
    // Copy/paste through the browser's clipboard events: works between tabs, needs no permission.
    const onCopy = (e: ClipboardEvent) => {
      if (isTyping(e.target) || doc.getState().mode !== 'patch' || patch.getState().selection.length === 0) return;
      e.clipboardData?.setData('text/plain', patch.copy());
      e.preventDefault();
    };
    const onCut = (e: ClipboardEvent) => {
      if (isTyping(e.target) || doc.getState().mode !== 'patch' || patch.getState().selection.length === 0) return;
      e.clipboardData?.setData('text/plain', patch.copy());
      patch.removeNodes(patch.getState().selection);
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target) || doc.getState().mode !== 'patch') return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      const result = patch.paste(text);
      if (!result.ok) ui.toast(result.reason, 'error');
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointermove', onPointer);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointermove', onPointer);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  });

  return (
    <div className={`pr-studio pr-mode-${mode}${hidden ? ' is-ui-hidden' : ''}`} data-testid="studio">
      <Toolbar actions={actions} />
      <main className="pr-main">
        <LibraryPanel onOpenPreset={applyPreset} onUseVideo={useVideo} />
        {mode === 'patch' && <EditorPane onReady={onEditor} onLoadPreset={loadPreset} />}
        <aside className="pr-side">
          <div ref={previewBox} className="pr-preview-box">
            <PreviewPane onReady={onPreview} />
          </div>
          <QueuePanel />
          <CodePane onEvaluate={evaluate} parseMarkers={parseMarkers} />
        </aside>
      </main>
      <StatusBar />
      <Toasts />
      <Help />
      <AccountDialog />
      <RoomsDialog />
      <RoomDialog />
    </div>
  );
}
