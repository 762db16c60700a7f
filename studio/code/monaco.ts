/**
 * The lean Monaco build the code panel uses. `monaco-editor/editor` is only the API and the bare
 * widget; the full `editor.main` adds every contribution and some 80 languages (~4 MB). We add the
 * contributions a Hydra sketch editor needs and JavaScript only. Everything here is reached through
 * a dynamic import from CodeEditor, so none of it lands in the studio's main chunk or in /play.
 */
import * as monaco from 'monaco-editor/editor';
import { javascriptDefaults, ScriptTarget } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';

// Editing contributions. Without `suggestController` there is no completion widget at all, and
// without `snippet` our `osc($0)` insert texts would be typed literally.
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/parameterHints/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
// JavaScript: the Monarch tokenizer (colours) and the TypeScript language service (JS completions,
// syntax errors while typing), which runs in its own worker.
import 'monaco-editor/languages/definitions/javascript/register';

// Monaco asks for workers by label; without this it logs module-resolution errors and falls back
// to running language services on the main thread.
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
  },
};

// Hydra code runs in a worker with no DOM, and its globals (osc, time…) are unknown to TypeScript:
// leave the DOM out of completions and do not flag what a sketch may legally use.
javascriptDefaults.setCompilerOptions({ target: ScriptTarget.ES2020, lib: ['es2020'], allowNonTsExtensions: true, allowJs: true });
javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false });
// Its hover says "any" over every Hydra name, above our docs; code actions and inlay hints only add
// TypeScript noise to sketches. Completions, signature help and live syntax errors stay.
javascriptDefaults.setModeConfiguration({ ...javascriptDefaults.modeConfiguration, hovers: false, codeActions: false, inlayHints: false, documentRangeFormattingEdits: false, onTypeFormattingEdits: false });

export { monaco };
export type Monaco = typeof monaco;
