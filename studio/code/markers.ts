import type * as MonacoApi from 'monaco-editor/editor';

/** Owner of our markers on the model; the language service's own syntax markers use another. */
export const MARKER_OWNER = 'patchroom';

export interface CodeEditorMarker {
  /** 1-based, as in ProgramError. */
  line: number;
  /** 1-based; without it the whole line is marked. */
  column?: number;
  message: string;
  severity?: 'error' | 'warning';
}

type Monaco = typeof MonacoApi;

/** A marker at its line: the word at `column` when given, else the whole line; clamped to the text. */
export function toMarker(monaco: Monaco, model: MonacoApi.editor.ITextModel, m: CodeEditorMarker): MonacoApi.editor.IMarkerData {
  const line = Math.min(Math.max(1, Math.floor(m.line) || 1), model.getLineCount());
  const first = model.getLineFirstNonWhitespaceColumn(line) || 1;
  const last = model.getLineMaxColumn(line);
  let start = first;
  let end = last;
  if (m.column !== undefined && m.column >= 1) {
    start = Math.min(Math.floor(m.column), last);
    const word = model.getWordAtPosition({ lineNumber: line, column: start });
    end = word ? word.endColumn : Math.min(start + 1, last);
    if (word) start = word.startColumn;
  }
  // No word at the column: the whole line (on a blank line that range is empty; Monaco still
  // lists the marker in its hover and overview ruler).
  if (end <= start) {
    start = 1;
    end = last;
  }
  return {
    severity: m.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
    message: m.message,
    startLineNumber: line,
    startColumn: start,
    endLineNumber: line,
    endColumn: end,
  };
}
