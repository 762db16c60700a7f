/** One byte range of a `Range: bytes=…` header: `start-[end]`, or the last `suffix` bytes. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * The first range of a `bytes=` Range header, or undefined when there is none or it is malformed
 * (a server ignores a Range header it cannot read). Media elements send one range; only the first
 * of several is honoured.
 */
export function parseRange(header: string | undefined): ByteRange | undefined {
  const match = /^\s*bytes\s*=\s*([^,]*)/i.exec(header ?? '');
  if (!match) return undefined;
  const spec = /^(\d{0,15})-(\d{0,15})$/.exec(match[1]!.trim());
  if (!spec || (spec[1] === '' && spec[2] === '')) return undefined;
  if (spec[1] === '') {
    const suffix = Number(spec[2]);
    return suffix > 0 ? { suffix } : undefined;
  }
  const start = Number(spec[1]);
  if (spec[2] === '') return { start };
  const end = Number(spec[2]);
  return end >= start && end <= MAX ? { start, end } : undefined;
}

export function rangeHeader(range: ByteRange): string {
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.start}-${range.end ?? ''}`;
}

/** The bytes a range selects from a body of `total` bytes, or undefined when it selects none. */
export function resolveRange(range: ByteRange, total: number): { start: number; end: number } | undefined {
  if ('suffix' in range) return total === 0 ? undefined : { start: Math.max(0, total - range.suffix), end: total - 1 };
  if (range.start >= total) return undefined;
  return { start: range.start, end: Math.min(range.end ?? total - 1, total - 1) };
}

export interface ContentRange {
  start: number;
  end: number;
  /** Undefined for `*`. */
  total?: number;
}

/** `bytes a-b/total` (total may be `*`); undefined when malformed or inconsistent in itself. */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  const match = /^\s*bytes\s+(\d{1,15})-(\d{1,15})\/(\d{1,15}|\*)\s*$/i.exec(value ?? '');
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (end < start || (total !== undefined && end >= total)) return undefined;
  return total === undefined ? { start, end } : { start, end, total };
}

/**
 * What is wrong with a 206 answer to `requested`, or undefined when it is consistent: its
 * Content-Range must start where asked, end no later than asked, fit its total, and agree with its
 * Content-Length.
 */
export function partialProblem(requested: ByteRange, contentRange: string | undefined, contentLength: number | undefined): string | undefined {
  const cr = parseContentRange(contentRange);
  if (!cr) return contentRange ? `its Content-Range "${contentRange.slice(0, 80)}" is malformed` : 'it has no Content-Range';
  if (contentLength !== undefined && contentLength !== cr.end - cr.start + 1) return `its Content-Length ${contentLength} does not match its Content-Range ${cr.start}-${cr.end}`;
  if ('suffix' in requested) {
    if (cr.total === undefined) return 'it answers a suffix range without a total length';
    const want = resolveRange(requested, cr.total)!;
    if (cr.start !== want.start || cr.end !== want.end) return `it sent ${cr.start}-${cr.end} for the last ${requested.suffix} bytes of ${cr.total}`;
    return undefined;
  }
  if (cr.start !== requested.start) return `it starts at ${cr.start}, not at the requested ${requested.start}`;
  if (requested.end !== undefined && cr.end > requested.end) return `it ends at ${cr.end}, after the requested ${requested.end}`;
  return undefined;
}
