import { ImmutableString } from '@automerge/automerge/slim';
import { isRecord } from '../../runtime/patch/parse';
import type { StoredString } from './protocol';

/**
 * A string Automerge keeps as one value (an ImmutableString), not as collaborative text: one
 * operation however long, where text costs one per character. For strings nobody edits in place
 * (ids, node types, values the server writes whole).
 */
export const fixed = (value: string): StoredString => new ImmutableString(value);

/** A stored string's value, whether kept as text (a plain string) or fixed (its `val`). */
export function storedText(stored: unknown): string | undefined {
  if (typeof stored === 'string') return stored;
  return isRecord(stored) && typeof stored.val === 'string' ? stored.val : undefined;
}
