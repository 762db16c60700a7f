import type { ApiError } from './api-error';

/**
 * When to refresh the session (server/API.md, "Client flow"), as pure decisions the client follows.
 * Kept apart from fetch so every case is unit-tested.
 */

/** Routes whose 401 is an answer about credentials, never a reason to refresh (refreshing there would loop). */
const CREDENTIAL_ROUTES = /^\/api\/auth\/(register|login|refresh|logout|guest)$/;

/** Refresh this long before the access token expires, so calls do not fail first. */
export const REFRESH_MARGIN_MS = 30_000;

export interface FailedCall {
  path: string;
  /** This call already caused one refresh: a second 401 is final. */
  refreshed: boolean;
  /** What the client knows of its session: signed in (`yes`), signed out or refused (`no`), or not yet asked. */
  session: SessionKnowledge;
}

export type SessionKnowledge = 'unknown' | 'yes' | 'no';

export function shouldRefreshAfter(error: ApiError, call: FailedCall): boolean {
  if (error.status !== 401 || call.refreshed || CREDENTIAL_ROUTES.test(call.path)) return false;
  // Once a refresh has said "signed out", an old access cookie must not cause a refresh per call.
  if (error.code === 'token_expired') return call.session !== 'no';
  // The access cookie lives exactly as long as its token, so the browser usually drops it before the
  // server can say "expired": the call arrives without it and is answered `unauthenticated`.
  return error.code === 'unauthenticated' && call.session === 'yes';
}

export function isCredentialRoute(path: string): boolean {
  return CREDENTIAL_ROUTES.test(path);
}

export type RefreshOutcome =
  /** New cookies: retry the call. */
  | 'refreshed'
  /** 409 refresh_concurrent: another tab refreshed a moment ago and its cookies are ours too: retry. */
  | 'refreshed-elsewhere'
  /** Any 401: the session is over, show sign-in. */
  | 'signed-out'
  /** The refresh itself failed (network, 5xx): keep the session, report the error. */
  | 'failed';

export function classifyRefresh(status: number, code: string | undefined): RefreshOutcome {
  if (status >= 200 && status < 300) return 'refreshed';
  if (status === 409 && code === 'refresh_concurrent') return 'refreshed-elsewhere';
  if (status === 401) return 'signed-out';
  return 'failed';
}

/** Refresh before sending, when the token is about to expire (avoids a failed call and its console noise). */
export function refreshDue(accessExpiresAt: number | undefined, now: number, margin = REFRESH_MARGIN_MS): boolean {
  return accessExpiresAt !== undefined && now >= accessExpiresAt - margin;
}
