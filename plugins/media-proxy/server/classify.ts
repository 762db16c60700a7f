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
