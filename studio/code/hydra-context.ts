import type { HydraDoc } from './hydra-docs';
import { GLOBAL_MEMBERS } from './hydra-globals';

/**
 * Where in Hydra code the cursor is, from the text before it: which names make sense there, and
 * which call it is inside. Plain text scanning (no parser): sketches are short and often
 * half-written while the user types, which a parser would reject.
 */

export type CompletionPlace =
  | { kind: 'top' }
  /** After `<chain>.`: hydra's chain methods. */
  | { kind: 'method' }
  /** After `s0.`, `a.`, `mouse.`. */
  | { kind: 'member'; of: string }
  /** After `10.` or `Math.`: nothing of ours. */
  | { kind: 'none' };

/** JavaScript objects whose members are not Hydra chains. */
const NOT_A_CHAIN = new Set(['Math', 'JSON', 'console', 'Object', 'Array', 'Number', 'String', 'Date', 'Promise', 'Reflect', 'Symbol', 'globalThis', 'window', 'self']);

/** `textBefore`: the model's text up to the cursor. */
export function completionPlace(textBefore: string): CompletionPlace {
  const word = /[A-Za-z_$][\w$]*$/.exec(textBefore)?.[0] ?? '';
  const before = textBefore.slice(0, textBefore.length - word.length);
  if (!before.endsWith('.')) return { kind: 'top' };
  // Chains are often laid out one call per line: `osc(10)\n  .kaleid()`.
  const receiver = before.slice(0, -1).trimEnd();
  if (/(^|[^\w$.])\d+$/.test(receiver) || receiver.endsWith('.')) return { kind: 'none' };
  const name = /(^|[^\w$])([A-Za-z_$][\w$]*)$/.exec(receiver);
  if (name) {
    const id = name[2] ?? '';
    const isProperty = receiver.slice(0, receiver.length - id.length).trimEnd().endsWith('.');
    if (!isProperty && id in GLOBAL_MEMBERS) return { kind: 'member', of: id };
    if (!isProperty && NOT_A_CHAIN.has(id)) return { kind: 'none' };
  }
  if (receiver === '') return { kind: 'none' };
  return { kind: 'method' };
}

/** The entries that fit a place. */
export function docsAt(docs: readonly HydraDoc[], place: CompletionPlace): HydraDoc[] {
  switch (place.kind) {
    case 'top':
      return docs.filter((d) => d.kind === 'source' || d.kind === 'global');
    case 'method':
      return docs.filter((d) => d.kind === 'method');
    case 'member':
      return docs.filter((d) => d.kind === 'member' && d.of === place.of);
    case 'none':
      return [];
  }
}

/** The entry for a word under the pointer, given the text before the word. */
export function docForWord(docs: readonly HydraDoc[], textBefore: string, word: string): HydraDoc | undefined {
  return docsAt(docs, completionPlace(textBefore + word)).find((d) => d.name === word);
}

export interface CallSite {
  /** Text before the open parenthesis of the innermost unclosed call, ending with the callee. */
  before: string;
  name: string;
  /** 0-based index of the argument the cursor is in. */
  argument: number;
}

/** The innermost call whose parentheses are open at the end of `textBefore`, if any. */
export function callAt(textBefore: string): CallSite | undefined {
  const stack: Array<{ open: string; at: number; commas: number }> = [];
  const text = textBefore;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push({ open: c, at: i, commas: 0 });
    } else if (c === ')' || c === ']' || c === '}') {
      stack.pop();
    } else if (c === ',' && stack.length) {
      stack[stack.length - 1]!.commas++;
    }
  }
  // Inside `osc([1, 2], |)` the call is osc's even though a bracket is also open.
  for (let k = stack.length - 1; k >= 0; k--) {
    const frame = stack[k]!;
    if (frame.open === '{') return undefined;
    if (frame.open !== '(') continue;
    const before = text.slice(0, frame.at).trimEnd();
    const name = /[A-Za-z_$][\w$]*$/.exec(before)?.[0];
    return name ? { before, name, argument: frame.commas } : undefined;
  }
  return undefined;
}

/** Index just before the closing quote of the string starting at `start` (or the end). */
function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
    else if (text[i] === '\n' && quote !== '`') return i;
  }
  return text.length;
}

/** The entry for the call the cursor is in (`osc(10, |` → osc), if it is a Hydra function. */
export function docForCall(docs: readonly HydraDoc[], call: CallSite): HydraDoc | undefined {
  const beforeName = call.before.slice(0, call.before.length - call.name.length);
  return docForWord(docs, beforeName, call.name);
}
