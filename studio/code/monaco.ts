/**
 * The lean Monaco build the code panel uses. `monaco-editor/editor` is only the API and the bare
 * widget; the full `editor.main` adds every contribution and some 80 languages (~4 MB). We add the
 * contributions a Hydra sketch editor needs and JavaScript only. Everything here is reached through
 * a dynamic import from CodeEditor, so none of it lands in the studio's main chunk or in /play.
 */
import * as monaco from 'monaco-editor/editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

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
// JavaScript colours only (the Monarch tokenizer). The TypeScript language service is left out on
// purpose: its 7 MB worker delayed our Hydra completions by seconds and, starting up, starved the
// renderer on small machines. Hydra completions come from the registry; syntax errors are marked
// as you type by the studio (acorn, the same parser that checks programs before they run).
import 'monaco-editor/languages/definitions/javascript/register';

// Monaco asks for workers by label; without this it logs module-resolution errors and falls back
// to running its services on the main thread.
self.MonacoEnvironment = {
  getWorker() {
    return new EditorWorker();
  },
};

export { monaco };
export type Monaco = typeof monaco;
