/**
 * Why a video failed, from what the browser says (MediaError code and message) and what the media
 * proxy says (its record for the video's correlation id, or its diagnostic headers). A MediaError
 * alone cannot tell a 404 from an unsupported codec (Chromium reports both as "source not
 * supported"), nor a truncated stream from a network error: the proxy can.
 */

export type VideoErrorClass =
  | 'host_not_allowed'
  | 'upstream_http_error'
  | 'upstream_timeout'
  | 'truncated'
  | 'range_violation'
  | 'too_large_for_cache'
  | 'proxy_error'
  | 'codec_unsupported'
  | 'decode'
  | 'network'
  | 'no_frame'
  | 'invalid_url';

/** What the proxy knows about the request (all optional: the proxy may not have answered at all). */
export interface ProxyDiagnosis {
  /** The proxy's own HTTP status to us. */
  status?: number;
  upstreamStatus?: number;
  /** The proxy's classification (X-Proxy-Error or the record's error class). */
  error?: string;
  message?: string;
  contentType?: string;
}

export interface FailureFacts {
  /** MediaError.code (1 aborted, 2 network, 3 decode, 4 source not supported); absent when no error fired. */
  code?: number;
  /** MediaError.message: browser-specific detail. */
  detail?: string;
  diagnosis?: ProxyDiagnosis;
  /** No picture within the first-frame deadline. */
  timedOut?: boolean;
  deadlineMs?: number;
}

export interface Classified {
  errorClass: VideoErrorClass;
  /** Worth another try (transient network-type failures only). */
  retry: boolean;
  /** For the performer: what went wrong, in words. */
  message: string;
}

const CODEC = /NO_SUPPORTED_STREAMS|codec|unsupported|not supported|no decoder|decoder.*(init|create)|Failed to init decoder/i;
const DAMAGED = /DEMUXER_ERROR_COULD_NOT_(OPEN|PARSE)|DEMUXER_ERR|METADATA_ERR|open context failed|corrupt|invalid data|PIPELINE_ERROR_DECODE|parse/i;

export function classifyFailure(facts: FailureFacts): Classified {
  const d = facts.diagnosis;
  const fromProxy = d?.error ? proxyClass(d) : undefined;
  if (fromProxy) return fromProxy;
  if (d?.upstreamStatus !== undefined && d.upstreamStatus >= 400) return httpError(d.upstreamStatus);
  if (d?.status !== undefined && d.status >= 400) {
    return make('proxy_error', d.status >= 500, `the media proxy answered HTTP ${d.status}${d.message ? ` (${d.message})` : ''}.`);
  }
  const detail = facts.detail ?? '';
  if (facts.code === 3) {
    return CODEC.test(detail) && !DAMAGED.test(detail) ? codec(d) : make('decode', false, 'the video file is damaged: the browser could not decode it.');
  }
  if (facts.code === 4) {
    // Only a proxy that served the file successfully tells "the file is fine, the browser is not".
    if (d?.status === undefined) return network();
    if (DAMAGED.test(detail) && !CODEC.test(detail)) return make('decode', false, 'the video file is damaged: the browser could not read it.');
    return codec(d);
  }
  if (facts.timedOut) {
    return make('no_frame', true, `the video showed no picture within ${Math.round((facts.deadlineMs ?? 0) / 1000)} s.`);
  }
  return network();
}

function proxyClass(d: ProxyDiagnosis): Classified | undefined {
  const error = String(d.error);
  switch (error) {
    case 'host_not_allowed':
      return make('host_not_allowed', false, "the media proxy does not allow this video's host.");
    case 'upstream_http_error':
      return httpError(d.upstreamStatus);
    case 'upstream_timeout':
      return make('upstream_timeout', true, "the video's server was too slow to answer; the proxy gave up waiting.");
    case 'upstream_truncated':
      return make('truncated', true, "the video's server stopped sending before the end of the file (truncated stream).");
    case 'range_violation':
      return make('range_violation', false, "the video's server answered a range request wrongly (bad Content-Range or length).");
    case 'too_large_for_cache':
      return make('too_large_for_cache', false, 'the video is too large for the proxy to prepare for streaming (its index sits at the end of a file over the cache limit).');
    case 'range_not_satisfiable':
      return make('range_violation', false, "the video's server refused the byte range asked for (416).");
    case 'upstream_unreachable':
    case 'dns_failed':
      return make('network', true, `the media proxy could not reach the video's server (${error}).`);
    case 'bad_url':
    case 'url_too_long':
      return make('invalid_url', false, `the media proxy cannot use this URL (${error}${d.message ? `: ${d.message}` : ''}).`);
    case 'faststart_failed':
      return make('proxy_error', false, 'the media proxy could not prepare this MP4 for streaming (moving its index to the front failed).');
  }
  if (/not_allowed|private/i.test(error)) return make('host_not_allowed', false, `the media proxy refused this URL (${error}).`);
  return make('proxy_error', (d.status ?? 0) >= 500, `the media proxy failed: ${error}${d.message ? ` (${d.message})` : ''}.`);
}

function httpError(status: number | undefined): Classified {
  const transient = status === undefined || status >= 500 || status === 429 || status === 408;
  return make('upstream_http_error', transient, `the video's server answered HTTP ${status ?? 'error'}${status === 404 ? ' (not found)' : status === 403 ? ' (forbidden)' : ''}.`);
}

function codec(d: ProxyDiagnosis | undefined): Classified {
  const type = d?.contentType ? ` (served as ${d.contentType.split(';')[0]})` : '';
  return make('codec_unsupported', false, `this browser cannot play this video's format or codec${type}.`);
}

function network(): Classified {
  return make('network', true, 'the video could not be downloaded (network error).');
}

function make(errorClass: VideoErrorClass, retry: boolean, message: string): Classified {
  return { errorClass, retry, message };
}

/**
 * Reads the proxy's record(s) for a correlation id, in whatever envelope they come (`{records}`,
 * an array, one record): the newest record that names an error wins, else the newest.
 */
export function diagnosisFromRecords(json: unknown): ProxyDiagnosis | undefined {
  const obj = json as Record<string, unknown> | null;
  const list: unknown[] = Array.isArray(json)
    ? json
    : Array.isArray(obj?.records)
      ? obj.records
      : Array.isArray(obj?.items)
        ? obj.items
        : obj && typeof obj === 'object'
          ? [obj.record ?? obj]
          : [];
  const records = list.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object');
  if (records.length === 0) return undefined;
  const withError = [...records].reverse().find((r) => errorOf(r) !== undefined);
  const r = withError ?? records[records.length - 1]!;
  const diagnosis: ProxyDiagnosis = {};
  const error = errorOf(r);
  if (error) diagnosis.error = error;
  const status = num(r.status ?? r.response_status ?? r.statusCode);
  if (status !== undefined) diagnosis.status = status;
  const upstream = num(r.upstream_status ?? r.upstreamStatus);
  if (upstream !== undefined) diagnosis.upstreamStatus = upstream;
  const type = r.content_type ?? r.contentType;
  if (typeof type === 'string') diagnosis.contentType = type;
  const message = typeof r.error_message === 'string' ? r.error_message : isObj(r.error) && typeof r.error.message === 'string' ? r.error.message : undefined;
  if (message) diagnosis.message = message;
  return diagnosis;
}

/** The proxy's diagnostic headers (and JSON error body, if any) of a direct probe request. */
export function diagnosisFromResponse(status: number, header: (name: string) => string | null, body?: unknown): ProxyDiagnosis {
  const diagnosis: ProxyDiagnosis = { status };
  const error = header('x-proxy-error') ?? (isObj(body) && isObj(body.error) && typeof body.error.code === 'string' ? body.error.code : null);
  if (error) diagnosis.error = error;
  const upstream = num(header('x-proxy-upstream-status'));
  if (upstream !== undefined) diagnosis.upstreamStatus = upstream;
  const type = header('content-type');
  if (type) diagnosis.contentType = type;
  if (isObj(body) && isObj(body.error) && typeof body.error.message === 'string') diagnosis.message = body.error.message;
  // A JSON error body is not the video.
  if (diagnosis.contentType?.startsWith('application/json') && status >= 400) delete diagnosis.contentType;
  return diagnosis;
}

function errorOf(r: Record<string, unknown>): string | undefined {
  const e = r.error_class ?? r.classification ?? r.proxy_error ?? r.error;
  if (typeof e === 'string' && e) return e;
  if (isObj(e) && typeof e.code === 'string') return e.code;
  return undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function isObj(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object';
}

/** Retries for transient failures: a few, spaced out, so a flapping upstream is not hammered. */
export const MAX_RETRIES = 3;
export function retryDelayMs(attempt: number, random = Math.random): number {
  return Math.round(400 * 2 ** (attempt - 1) * (0.8 + 0.4 * random()));
}
