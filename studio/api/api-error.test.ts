import { describe, expect, it } from 'vitest';
import { ApiError, isAbort, networkError, parseErrorResponse, parseRetryAfter } from './api-error';
import { asApiError, errorHeadline } from './error-text';

describe('parseErrorResponse', () => {
  it('reads the server’s { error: { code, message } }', () => {
    const error = parseErrorResponse(409, JSON.stringify({ error: { code: 'username_taken', message: 'The user name "ada" is taken.' } }), null);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'username_taken', message: 'The user name "ada" is taken.', retryAfter: undefined });
  });

  it('carries Retry-After as seconds', () => {
    expect(parseErrorResponse(429, '{"error":{"code":"rate_limited","message":"Too many failed sign-ins: try again in 4 s."}}', '4').retryAfter).toBe(4);
  });

  it('makes a readable error of answers that are not ours (a proxy’s HTML, an empty body, a code without message)', () => {
    expect(parseErrorResponse(502, '<html>Bad gateway</html>', null)).toMatchObject({ status: 502, code: 'http_502', message: 'The server answered 502 without an explanation.' });
    expect(parseErrorResponse(500, '', null)).toMatchObject({ code: 'http_500' });
    expect(parseErrorResponse(400, '{"error":{"code":"invalid_input"}}', null)).toMatchObject({ code: 'invalid_input', message: 'invalid_input' });
    expect(parseErrorResponse(400, '{"error":"nope"}', null)).toMatchObject({ code: 'http_400' });
  });
});

describe('parseRetryAfter', () => {
  it('takes seconds or an HTTP date, and ignores nonsense', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(' 3 ')).toBe(3);
    expect(parseRetryAfter(new Date(10_500).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('network errors and aborts', () => {
  it('a failed fetch is status 0, code network, with a message that says what to do', () => {
    const error = networkError(new TypeError('fetch failed'));
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect(error.message).toMatch(/Could not reach the Patchroom server/);
    expect(errorHeadline(error)).toBe('Offline?');
  });

  it('tells a cancelled request from a failure', () => {
    expect(isAbort(new DOMException('stop', 'AbortError'))).toBe(true);
    expect(isAbort(new TypeError('fetch failed'))).toBe(false);
    expect(isAbort(networkError(undefined))).toBe(false);
  });
});

describe('error headlines', () => {
  it('names known codes and falls back on the status', () => {
    expect(errorHeadline(new ApiError(401, 'invalid_credentials', 'x'))).toBe('Could not sign in');
    expect(errorHeadline(new ApiError(503, 'whatever', 'x'))).toBe('The server had a problem');
    expect(errorHeadline(new ApiError(403, 'new_code', 'x'))).toBe('Not allowed');
    expect(errorHeadline(new ApiError(418, 'teapot', 'x'))).toBe('That did not work');
  });

  it('any thrown value becomes an ApiError to show', () => {
    const error = new ApiError(404, 'room_not_found', 'No such room.');
    expect(asApiError(error)).toBe(error);
    expect(asApiError(new Error('boom'))).toMatchObject({ status: 0, code: 'client', message: 'boom' });
  });
});
