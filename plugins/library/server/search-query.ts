/** Words of a query, at most this many, each at most this long: a search is always bounded work. */
const MAX_WORDS = 8;
const MAX_WORD = 64;

/**
 * Turns what someone typed into an FTS5 query that matches every word as a prefix ("neon gri" finds
 * "Neon Grid"). Only letters and digits survive, each word quoted, so FTS5 syntax (AND, NEAR, ", *,
 * column filters) and SQL in the text are plain words. Undefined when nothing searchable is left.
 */
export function ftsQuery(text: string): string | undefined {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return undefined;
  return words
    .slice(0, MAX_WORDS)
    .map((word) => `"${word.slice(0, MAX_WORD)}"*`)
    .join(' ');
}
