/** Words of a query, at most this many, each at most this long: a search is always bounded work. */
const MAX_WORDS = 8;
const MAX_WORD = 64;
const TEXT_COLUMNS = '{title tags description source}';

/**
 * Turns what someone typed into FTS5 syntax that matches every word as a prefix ("neon gri" finds
 * "Neon Grid"). Only letters and digits survive, each word quoted, so FTS5 syntax (AND, NEAR, ", *,
 * column filters) and SQL in the text are plain words. Undefined when nothing searchable is left.
 */
export function ftsWords(text: string): string | undefined {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return undefined;
  return words
    .slice(0, MAX_WORDS)
    .map((word) => `"${word.slice(0, MAX_WORD)}"*`)
    .join(' ');
}

/**
 * Kind and tags as single tokens of the hidden `filters` column ("kmedia", "tg" + the tag's UTF-8 in
 * hex: letters and digits only, so a tag is one token whatever it contains and never a prefix of
 * another tag's token). Stored with each item, and used to filter inside the index at search time.
 */
export function filterTokens(kind: string, tags: readonly string[]): string[] {
  return [`k${kind}`, ...tags.map((tag) => `tg${Buffer.from(tag).toString('hex')}`)];
}

/** The full MATCH expression: the words (if any) in the text columns, and every filter token. */
export function ftsExpression(words: string | undefined, kind: string | undefined, tags: readonly string[]): string {
  const filters = [...(kind ? [`k${kind}`] : []), ...filterTokens('', tags).slice(1)];
  return [...(words ? [`${TEXT_COLUMNS}: (${words})`] : []), ...filters.map((token) => `{filters}: "${token}"`)].join(' AND ');
}
