import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { classifyRefresh, refreshDue, REFRESH_MARGIN_MS, shouldRefreshAfter } from './refresh-policy';

const error = (status: number, code: string) => new ApiError(status, code, code);
const call = { path: '/api/rooms', refreshed: false, session: 'yes' as const };

describe('shouldRefreshAfter', () => {
  it('refreshes on token_expired, once', () => {
    expect(shouldRefreshAfter(error(401, 'token_expired'), call)).toBe(true);
    expect(shouldRefreshAfter(error(401, 'token_expired'), { ...call, session: 'unknown' })).toBe(true);
    expect(shouldRefreshAfter(error(401, 'token_expired'), { ...call, refreshed: true })).toBe(false);
  });

  it('refreshes on unauthenticated only while signed in (the browser dropped the expired cookie)', () => {
    expect(shouldRefreshAfter(error(401, 'unauthenticated'), call)).toBe(true);
    expect(shouldRefreshAfter(error(401, 'unauthenticated'), { ...call, session: 'unknown' })).toBe(false);
    expect(shouldRefreshAfter(error(401, 'unauthenticated'), { ...call, session: 'no' })).toBe(false);
  });

  it('never after the session is known to be over, and never for other answers', () => {
    expect(shouldRefreshAfter(error(401, 'token_expired'), { ...call, session: 'no' })).toBe(false);
    expect(shouldRefreshAfter(error(401, 'session_ended'), call)).toBe(false);
    expect(shouldRefreshAfter(error(401, 'token_invalid'), call)).toBe(false);
    expect(shouldRefreshAfter(error(403, 'forbidden'), call)).toBe(false);
    expect(shouldRefreshAfter(new ApiError(0, 'network', 'offline'), call)).toBe(false);
  });

  it('never for the credential routes themselves (a wrong password is not an expired session)', () => {
    for (const path of ['/api/auth/login', '/api/auth/register', '/api/auth/refresh', '/api/auth/logout', '/api/auth/guest']) {
      expect(shouldRefreshAfter(error(401, 'token_expired'), { ...call, path }), path).toBe(false);
    }
    expect(shouldRefreshAfter(error(401, 'token_expired'), { ...call, path: '/api/auth/session' })).toBe(true);
  });
});

describe('classifyRefresh', () => {
  it('follows server/API.md', () => {
    expect(classifyRefresh(200, undefined)).toBe('refreshed');
    expect(classifyRefresh(409, 'refresh_concurrent')).toBe('refreshed-elsewhere');
    for (const code of ['unauthenticated', 'refresh_invalid', 'refresh_expired', 'session_ended', 'refresh_reused']) expect(classifyRefresh(401, code)).toBe('signed-out');
    expect(classifyRefresh(0, 'network')).toBe('failed');
    expect(classifyRefresh(500, 'internal')).toBe('failed');
    expect(classifyRefresh(409, 'something_else')).toBe('failed');
  });
});

describe('refreshDue', () => {
  it('is due within the margin before expiry, not before, and not without an expiry', () => {
    expect(refreshDue(100_000, 100_000 - REFRESH_MARGIN_MS - 1)).toBe(false);
    expect(refreshDue(100_000, 100_000 - REFRESH_MARGIN_MS)).toBe(true);
    expect(refreshDue(100_000, 200_000)).toBe(true);
    expect(refreshDue(undefined, 200_000)).toBe(false);
  });
});
