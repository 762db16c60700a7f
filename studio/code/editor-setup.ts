import type * as MonacoApi from 'monaco-editor/editor';
import type { Registry } from '../../runtime/plugin/registry';
import { attachHydraLanguage } from './hydra-language';
import { MARKER_OWNER } from './markers';
import { monaco, type Monaco } from './monaco';

export interface EditorOptions {
  value: string;
  readOnly?: boolean;
  registry: Registry;
  ariaLabel?: string;
}

export interface EditorCallbacks {
  onChange(value: string): void;
  onEvaluate(code: string): void;
}

const THEME = 'patchroom-dark';
let themeDefined = false;

export interface HydraEditor {
  monaco: Monaco;
  editor: MonacoApi.editor.IStandaloneCodeEditor;
  /** Switches completion and hover docs to another registry. */
  setRegistry(registry: Registry): void;
  dispose(): void;
}

/**
 * Creates the editor, its model and its key bindings in `host`. Loaded only through CodeEditor's
 * dynamic import, so it brings Monaco along in the same split chunk.
 */
export function createHydraEditor(host: HTMLElement, options: EditorOptions, callbacks: EditorCallbacks): HydraEditor {
  if (!themeDefined) {
    themeDefined = true;
    monaco.editor.defineTheme(THEME, { base: 'vs-dark', inherit: true, rules: [], colors: { 'editor.background': '#121417' } });
  }
  // One model per editor (Monaco picks a unique in-memory URI), so markers and Hydra docs are per panel.
  const model = monaco.editor.createModel(options.value, 'javascript');
  const detachLanguage = attachHydraLanguage(monaco, model, options.registry);
  const editor = monaco.editor.create(host, {
    model,
    theme: THEME,
    readOnly: options.readOnly ?? false,
    domReadOnly: options.readOnly ?? false,
    ariaLabel: options.ariaLabel ?? 'Hydra code',
    // Follows the panel's size (Monaco observes the host with a ResizeObserver).
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    tabSize: 2,
    scrollBeyondLastLine: false,
    fixedOverflowWidgets: true,
    renderLineHighlight: 'line',
    suggest: { showWords: false },
  });

  const { KeyMod, KeyCode } = monaco;
  // CtrlCmd is Ctrl on Linux/Windows and Cmd on macOS; WinCtrl is the other one (Meta on
  // Linux/Windows, Ctrl on macOS), so both Ctrl+Enter and Cmd+Enter work everywhere. Hydra's own
  // editor uses Shift+Ctrl+Enter for "run all": here every variant evaluates the whole sketch.
  // An action (not addCommand) keeps the binding scoped to this editor instance.
  const evaluate = editor.addAction({
    id: 'patchroom.evaluate',
    label: 'Evaluate Hydra code',
    keybindings: [KeyMod.CtrlCmd | KeyCode.Enter, KeyMod.WinCtrl | KeyCode.Enter, KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.Enter, KeyMod.WinCtrl | KeyMod.Shift | KeyCode.Enter],
    run: () => callbacks.onEvaluate(model.getValue()),
  });
  const changes = model.onDidChangeContent(() => callbacks.onChange(model.getValue()));

  return {
    monaco,
    editor,
    setRegistry: (registry) => void attachHydraLanguage(monaco, model, registry),
    dispose() {
      evaluate.dispose();
      changes.dispose();
      detachLanguage();
      // Markers live in a service outside the model; clear ours so they do not outlive it.
      monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
      editor.dispose();
      model.dispose();
    },
  };
}
