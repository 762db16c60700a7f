import { useEffect, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { ParamValue } from '../../runtime/patch/schema';
import type { ParamDefinition } from '../../runtime/plugin/types';
import { formatParamText, parseParamText } from './param-text';

/** Controls inside a node must not start a node drag or reach the editor's shortcuts. */
export const stop = (event: PointerEvent | KeyboardEvent) => event.stopPropagation();

interface Props {
  nodeId: string;
  def: ParamDefinition;
  value: ParamValue | undefined;
  /** Set when an edge drives this parameter: the source's name is shown instead of a control. */
  drivenBy?: string;
  onChange(value: ParamValue | undefined): void;
}

/** One parameter: slider + exact number for numbers (or an expression), a menu for choices. */
export function ParamControl({ nodeId, def, value, drivenBy, onChange }: Props) {
  const label = def.label ?? def.id;
  const testId = `param-${nodeId}-${def.id}`;
  if (def.type === 'choice') {
    return (
      <label className="pr-param pr-param-choice">
        <span>{label}</span>
        <select data-testid={testId} value={typeof value === 'string' ? value : def.default} onPointerDown={stop} onKeyDown={stop} onChange={(e) => onChange(e.target.value)}>
          {def.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
    );
  }
  if (def.type === 'text') {
    return (
      <label className="pr-param pr-param-text">
        <span>{label}</span>
        <CommitText testId={testId} multiline value={typeof value === 'string' ? value : def.default} maxLength={def.maxLength} onCommit={(text) => onChange(text)} />
      </label>
    );
  }
  if (drivenBy) {
    return (
      <div className="pr-param pr-param-driven" data-testid={testId}>
        <span>{label}</span>
        <span className="pr-driven">← {drivenBy}</span>
      </div>
    );
  }
  const numeric = typeof value === 'number' || value === undefined;
  const current = typeof value === 'number' ? value : def.default;
  return (
    <div className="pr-param pr-param-number">
      <span title={def.description ?? `${label}: ${def.min} to ${def.max}, default ${def.default}`}>{label}</span>
      {numeric ? (
        <input
          type="range"
          aria-label={`${label} slider`}
          data-testid={`${testId}-slider`}
          min={Math.min(def.min, current)}
          max={Math.max(def.max, current)}
          step={def.step ?? 'any'}
          value={current}
          onPointerDown={stop}
          onKeyDown={stop}
          onChange={(e) => onChange(Number(e.target.value))}
        />
      ) : (
        <span className="pr-param-kind">{Array.isArray(value) ? 'sequence' : 'expression'}</span>
      )}
      <CommitText
        testId={testId}
        value={formatParamText(value, def.default)}
        onCommit={(text) => {
          const parsed = parseParamText(text);
          if (!parsed.ok) return parsed.message;
          onChange(parsed.value === def.default ? undefined : parsed.value);
          return undefined;
        }}
      />
    </div>
  );
}

/**
 * A text field that commits on Enter or when it loses focus, and shows why a value was refused.
 * Escape restores the stored value.
 */
function CommitText({ value, onCommit, testId, multiline, maxLength }: { value: string; onCommit(text: string): string | undefined | void; testId: string; multiline?: boolean; maxLength?: number }) {
  const [text, setText] = useState(value);
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    setText(value);
    setProblem(undefined);
  }, [value]);
  const commit = () => {
    if (text === value) return;
    setProblem(onCommit(text) ?? undefined);
  };
  const props = {
    'data-testid': testId,
    value: text,
    maxLength,
    spellCheck: false,
    className: problem ? 'pr-invalid' : undefined,
    title: problem,
    'aria-invalid': problem ? true : undefined,
    onPointerDown: stop,
    onChange: (e: { target: { value: string } }) => setText(e.target.value),
    onBlur: commit,
    onKeyDown: (e: KeyboardEvent) => {
      e.stopPropagation();
      if (e.key === 'Enter' && (!multiline || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        commit();
      } else if (e.key === 'Escape') {
        setText(value);
        setProblem(undefined);
      }
    },
  };
  return multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />;
}
