/**
 * Why a proxied media request failed: in the `X-Proxy-Error` header and the JSON error code when
 * the headers were not sent yet, and in the `video_proxy_response` record either way.
 */
export type Classification =
  | 'bad_url'
  | 'url_too_long'
  | 'host_not_allowed'
  | 'port_not_allowed'
  | 'private_address'
  | 'dns_failed'
  | 'upstream_unreachable'
  | 'too_many_redirects'
  | 'upstream_http_error'
  | 'upstream_timeout'
  | 'upstream_truncated'
  | 'range_violation'
  | 'range_not_satisfiable'
  | 'too_large_for_cache'
  | 'faststart_failed';

export class ProxyError extends Error {
  override name = 'ProxyError';
  constructor(
    readonly code: Classification,
    /** The status the client gets when headers are not sent yet. */
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A Content-Length value, or undefined when it is not a plain byte count. */
export function lengthOf(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** An upstream error status as the client sees it: 4xx kept (never 413), 5xx and the rest as 502. */
export function upstreamError(status: number, contentRange: string | undefined, total: number | undefined): ProxyError {
  if (status === 416) {
    const headers: Record<string, string> = {};
    const cr = contentRange ?? (total !== undefined ? `bytes */${total}` : undefined);
    if (cr) headers['Content-Range'] = cr;
    return new ProxyError('range_not_satisfiable', 416, 'The requested range is outside the media file (upstream answered 416).', headers);
  }
  const kept = status >= 400 && status < 500 && status !== 413 && status !== 414 && status !== 431 ? status : 502;
  return new ProxyError('upstream_http_error', kept, `The media host answered ${status}.`);
}
