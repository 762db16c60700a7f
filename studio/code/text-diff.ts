/**
 * The smallest single replacement that turns `before` into `after` (common prefix and suffix kept).
 * Applying only the changed middle keeps the cursor, selection, undo history and markers of the
 * untouched text where they were when the code panel follows a patch edit.
 */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // Never split a surrogate pair or a CRLF between the kept and replaced parts.
  while (start > 0 && (isSecondHalf(before, start) || isSecondHalf(after, start))) start--;
  while (tail > 0 && (isSecondHalf(before, before.length - tail) || isSecondHalf(after, after.length - tail))) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

/** Whether position `i` sits inside a surrogate pair or a CRLF. */
function isSecondHalf(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1);
  const next = text.charCodeAt(i);
  return (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) || (prev === 13 && next === 10);
}
