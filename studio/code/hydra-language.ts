import type * as MonacoApi from 'monaco-editor/editor';
import type { Registry } from '../../runtime/plugin/registry';
import { callAt, completionPlace, docForCall, docForWord, docsAt } from './hydra-context';
import { hoverMarkdown, hydraDocs, type HydraDoc } from './hydra-docs';

type Monaco = typeof MonacoApi;
type Model = MonacoApi.editor.ITextModel;

/**
 * Hydra completion, hover and signature help for JavaScript models. Monaco providers are global
 * per language, so they are registered once and answer only for models that were attached to a
 * registry: other JavaScript editors in the app get no Hydra names.
 */
const attached = new WeakMap<Model, Registry>();
/** Docs per registry, rebuilt when a plugin is switched off (the registry only ever disables). */
const built = new WeakMap<Registry, { disabled: number; docs: readonly HydraDoc[] }>();
let registered = false;

/** Enables Hydra language support on a model (again to change its registry); the returned function detaches it. */
export function attachHydraLanguage(monaco: Monaco, model: Model, registry: Registry): () => void {
  registerHydraLanguage(monaco);
  attached.set(model, registry);
  return () => attached.delete(model);
}

function docsOf(model: Model): readonly HydraDoc[] | undefined {
  const registry = attached.get(model);
  if (!registry) return undefined;
  const disabled = registry.disabled().size;
  let entry = built.get(registry);
  if (!entry || entry.disabled !== disabled) built.set(registry, (entry = { disabled, docs: hydraDocs(registry) }));
  return entry.docs;
}

/** Registers the providers (once per page). */
export function registerHydraLanguage(monaco: Monaco): void {
  if (registered) return;
  registered = true;
  const { languages } = monaco;

  languages.registerCompletionItemProvider('javascript', {
    triggerCharacters: ['.'],
    provideCompletionItems(model, position) {
      const docs = docsOf(model);
      if (!docs) return { suggestions: [] };
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const place = completionPlace(textBefore(model, position));
      const suggestions = docsAt(docs, place).map((doc): MonacoApi.languages.CompletionItem => ({
        label: { label: doc.name, detail: signatureTail(doc), description: doc.kind },
        kind: itemKind(monaco, doc),
        detail: doc.signature,
        documentation: { value: doc.documentation },
        insertText: doc.insertText,
        insertTextRules: languages.CompletionItemInsertTextRule.InsertAsSnippet,
        range,
        // Ahead of the language service's JS globals when both match equally well.
        sortText: `0${doc.name}`,
        // A snippet inserts the parentheses itself, so no `(` is typed to open the parameter hints.
        ...(doc.params.length ? { command: { id: 'editor.action.triggerParameterHints', title: 'Parameter hints' } } : {}),
      }));
      return { suggestions };
    },
  });

  languages.registerHoverProvider('javascript', {
    provideHover(model, position) {
      const docs = docsOf(model);
      const word = docs && model.getWordAtPosition(position);
      if (!docs || !word) return null;
      const before = textBefore(model, { lineNumber: position.lineNumber, column: word.startColumn });
      const doc = docForWord(docs, before, word.word);
      if (!doc) return null;
      return {
        range: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn),
        contents: [{ value: hoverMarkdown(doc) }],
      };
    },
  });

  languages.registerSignatureHelpProvider('javascript', {
    signatureHelpTriggerCharacters: ['(', ','],
    signatureHelpRetriggerCharacters: [')'],
    provideSignatureHelp(model, position) {
      const docs = docsOf(model);
      const call = docs && callAt(textBefore(model, position));
      const doc = call && docs && docForCall(docs, call);
      if (!doc || !call || doc.params.length === 0) return null;
      return {
        value: {
          signatures: [
            {
              label: doc.signature,
              documentation: { value: doc.documentation },
              parameters: paramRanges(doc).map((label) => ({ label })),
            },
          ],
          activeSignature: 0,
          activeParameter: Math.min(call.argument, doc.params.length - 1),
        },
        dispose() {},
      };
    },
  });
}

/** Text from the start of the model to a position (sketches are small; the scan is cheap). */
function textBefore(model: Model, position: MonacoApi.IPosition): string {
  return model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
}

/** `(nSides = 4)` for the completion row, so every row shows its signature. */
function signatureTail(doc: HydraDoc): string | undefined {
  const open = doc.signature.indexOf('(');
  return open > 0 && doc.signature.startsWith(doc.name) ? doc.signature.slice(open) : undefined;
}

function itemKind(monaco: Monaco, doc: HydraDoc): MonacoApi.languages.CompletionItemKind {
  const k = monaco.languages.CompletionItemKind;
  if (doc.kind === 'method') return k.Method;
  if (doc.kind === 'source') return k.Function;
  return doc.params.length || doc.signature.endsWith(')') ? k.Function : k.Variable;
}

/** Offsets of each parameter inside the signature label, which Monaco uses to underline it. */
function paramRanges(doc: HydraDoc): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let from = doc.signature.indexOf('(') + 1;
  for (const p of doc.params) {
    const at = doc.signature.indexOf(p.name, from);
    if (at < 0) break;
    ranges.push([at, at + p.name.length]);
    from = at + p.name.length;
  }
  return ranges;
}
