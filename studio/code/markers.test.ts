import { describe, expect, it } from 'vitest';
import type * as MonacoApi from 'monaco-editor/editor';
import { toMarker } from './markers';

/** Just the model calls toMarker makes, over plain text (columns are 1-based like Monaco's). */
function fakeModel(text: string) {
  const lines = text.split('\n');
  const line = (n: number) => lines[n - 1] ?? '';
  return {
    getLineCount: () => lines.length,
    getLineMaxColumn: (n: number) => line(n).length + 1,
    getLineFirstNonWhitespaceColumn: (n: number) => {
      const i = line(n).search(/\S/);
      return i < 0 ? 0 : i + 1;
    },
    getWordAtPosition: ({ lineNumber, column }: { lineNumber: number; column: number }) => {
      for (const m of line(lineNumber).matchAll(/[\w$]+/g)) {
        const start = m.index + 1;
        if (column >= start && column <= start + m[0].length) return { word: m[0], startColumn: start, endColumn: start + m[0].length };
      }
      return null;
    },
  } as unknown as MonacoApi.editor.ITextModel;
}
const monaco = { MarkerSeverity: { Error: 8, Warning: 4 } } as unknown as typeof MonacoApi;
const model = fakeModel('osc(10)\n  .kaleid(4)\n\n  .out()');

describe('toMarker', () => {
  it('marks the whole line (from its first character) when there is no column', () => {
    expect(toMarker(monaco, model, { line: 2, message: 'x' })).toMatchObject({ startLineNumber: 2, startColumn: 3, endLineNumber: 2, endColumn: 13, severity: 8 });
  });

  it('marks the word at the column, as a warning when asked', () => {
    expect(toMarker(monaco, model, { line: 2, column: 5, message: 'x', severity: 'warning' })).toMatchObject({ startColumn: 4, endColumn: 10, severity: 4 });
  });

  it('clamps lines outside the text and still shows a range on an empty line', () => {
    expect(toMarker(monaco, model, { line: 99, message: 'x' })).toMatchObject({ startLineNumber: 4 });
    expect(toMarker(monaco, model, { line: 0, message: 'x' })).toMatchObject({ startLineNumber: 1 });
    expect(toMarker(monaco, model, { line: 3, message: 'x' })).toMatchObject({ startLineNumber: 3, startColumn: 1, endColumn: 1 });
  });
});
