/**
 * Every failed API call becomes one ApiError, so screens switch on `code` and show `message`
 * (server/API.md: `{ error: { code, message } }`). Failures that never reached the server get
 * `status: 0` and the code `network`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before trying again (429 `Retry-After`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const NETWORK_MESSAGE = 'Could not reach the Patchroom server: check the connection (or whether the server runs) and try again.';

/**
 * Reads an error answer. Our server always sends `{ error: { code, message } }`; anything else
 * (a proxy's HTML page, an empty 502) still becomes a readable error named after its status.
 */
export function parseErrorResponse(status: number, bodyText: string, retryAfterHeader: string | null): ApiError {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  const error = readErrorBody(bodyText);
  if (error) return new ApiError(status, error.code, error.message, retryAfter);
  return new ApiError(status, `http_${status}`, `The server answered ${status} without an explanation.`, retryAfter);
}

function readErrorBody(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body?.error ?? {};
    if (typeof code === 'string' && code) return { code, message: typeof message === 'string' && message ? message : code };
  } catch {
    // not JSON: the caller falls back to the status
  }
  return undefined;
}

/** `Retry-After` in seconds (RFC 9110 also allows a date; our server sends seconds, a proxy might not). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** fetch rejected (offline, DNS, refused): not an HTTP answer at all. */
export function networkError(cause: unknown): ApiError {
  const error = new ApiError(0, 'network', NETWORK_MESSAGE);
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** The caller cancelled (a newer search replaced this one): not an error to show. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
