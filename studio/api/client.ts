import { ApiError, isAbort, networkError, parseErrorResponse } from './api-error';
import { classifyRefresh, isCredentialRoute, refreshDue, shouldRefreshAfter, type RefreshOutcome, type SessionKnowledge } from './refresh-policy';

/** What the auth routes answer (sign-up, sign-in, refresh, guest); `GET /session` omits the expiry. */
export interface SessionAnswer {
  user: { id: string; name: string } | null;
  guest: { id: string } | null;
  accessExpiresAt?: number;
}

export type QueryValue = string | number | undefined | readonly string[];

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

/** The part of the Web Locks API the refresh uses (one tab refreshes at a time). */
export interface RefreshLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface ApiClientOptions {
  /** '' in the browser (same origin); a server URL in Node tests. */
  baseUrl?: string;
  /** Node tests pass a fetch with a cookie jar; the browser keeps cookies itself. */
  fetch?: typeof fetch;
  /** The studio's telemetry session id, so server events (sign-in…) join the client's. */
  telemetrySession?: string;
  locks?: RefreshLocks;
  now?: () => number;
}

const TELEMETRY_ID = /^[A-Za-z0-9_-]{8,64}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The studio's only way to /api: same-origin cookies, JSON, the CSRF header on writes, typed
 * errors, and the session refresh of server/API.md done once here instead of in every screen.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const locks = options.locks ?? (globalThis.navigator as { locks?: RefreshLocks } | undefined)?.locks;
  const sessionListeners = new Set<(session: SessionAnswer | null) => void>();
  let session: SessionKnowledge = 'unknown';
  let accessExpiresAt: number | undefined;
  let refreshing: Promise<RefreshOutcome> | undefined;

  const headersFor = (method: string, hasBody: boolean): Record<string, string> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (WRITES.has(method)) headers['X-Patchroom-CSRF'] = '1';
    if (hasBody) headers['Content-Type'] = 'application/json';
    if (options.telemetrySession && TELEMETRY_ID.test(options.telemetrySession)) headers['X-Telemetry-Session'] = options.telemetrySession;
    return headers;
  };

  /** One HTTP exchange: the parsed answer, or an ApiError (never a raw fetch failure). */
  async function send<T>(method: string, path: string, request: RequestOptions): Promise<T> {
    const hasBody = request.body !== undefined;
    let response: Response;
    try {
      response = await doFetch(base + path + queryString(request.query), {
        method,
        credentials: 'same-origin',
        headers: headersFor(method, hasBody),
        ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw networkError(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (isAbort(error)) throw error;
      throw networkError(error);
    }
    if (!response.ok) throw parseErrorResponse(response.status, text, response.headers.get('Retry-After'));
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'invalid_answer', 'The server sent an answer the studio cannot read.');
    }
  }

  function noteSession(answer: SessionAnswer | null) {
    session = answer !== null && (answer.user !== null || answer.guest !== null) ? 'yes' : 'no';
    accessExpiresAt = session === 'yes' ? answer?.accessExpiresAt : undefined;
  }

  function announce(answer: SessionAnswer | null) {
    for (const listener of sessionListeners) listener(answer);
  }

  /** POST /api/auth/refresh, one at a time per tab (shared promise) and per browser (Web Lock). */
  function refresh(): Promise<RefreshOutcome> {
    refreshing ??= (async () => {
      const attempt = async (): Promise<RefreshOutcome> => {
        try {
          const renewed = await send<SessionAnswer>('POST', '/api/auth/refresh', {});
          noteSession(renewed);
          announce(renewed);
          return 'refreshed';
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          const outcome = classifyRefresh(error.status, error.code);
          if (outcome === 'signed-out') {
            noteSession(null);
            announce(null);
          }
          return outcome;
        }
      };
      try {
        return await (locks ? locks.request('patchroom-refresh', attempt) : attempt());
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  async function request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    if (session === 'yes' && !isCredentialRoute(path) && refreshDue(accessExpiresAt, now())) await refresh();
    try {
      return await send<T>(method, path, request);
    } catch (error) {
      if (!(error instanceof ApiError) || !shouldRefreshAfter(error, { path, refreshed: false, session })) throw error;
      const outcome = await refresh();
      // Signed out, or the refresh could not be made: the original answer says what failed.
      if (outcome === 'signed-out' || outcome === 'failed') throw error;
      return send<T>(method, path, request);
    }
  }

  return {
    request,
    get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
    post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...options, body }),
    patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) => request<T>('PATCH', path, { ...options, body }),
    delete: <T = void>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
    refresh,
    /** The auth screens report what sign-in, sign-up and sign-out established. */
    noteSession,
    /** Called when a refresh renews the session or finds it over (signed out elsewhere, expired). */
    onSession(listener: (session: SessionAnswer | null) => void): () => void {
      sessionListeners.add(listener);
      return () => sessionListeners.delete(listener);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** `?q=neo&tag=a&tag=b`; undefined and empty values are left out. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number') params.append(key, String(value));
    else for (const item of value) params.append(key, item);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
