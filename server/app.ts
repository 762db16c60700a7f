import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import Koa, { type Middleware } from 'koa';
import { HttpError } from '../runtime/plugin/server';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { indexBuild, serveStatic, type StaticFile } from './static-files';

/** Pages the app routes to its HTML entry points. */
const PAGES: Array<[RegExp, string]> = [
  [/^\/play(\/[A-Za-z0-9_-]{1,64})?\/?$/, '/play.html'],
  [/^\/studio(\/[A-Za-z0-9_-]{1,64})?\/?$/, '/studio.html'],
];

const APP_CSP = [
  "default-src 'self'",
  // WebAssembly compiles (Automerge, for live rooms); JavaScript eval stays forbidden.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** The error plugins and the app throw for answers a client caused; defined where plugins can import it. */
export { HttpError };

/** Status codes Koa or a router set without a body, answered with a JSON error like every other. */
const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  501: 'not_implemented',
};

/** What the server's plugins add to the app: middleware for `/api`, and whether it can serve. */
export interface AppApi {
  middleware: Middleware;
  /** For /readyz: the database answers and the server is not shutting down. */
  ready(): boolean;
  /** True once shutdown began: answers ask clients to close their connection. */
  stopping(): boolean;
}

/**
 * The Koa app: request ids and JSON access logs, errors as `{ error: { code, message } }` (never a
 * stack trace), `/api` from the server plugins, the built player with its security headers, health checks.
 */
export function createApp(config: ServerConfig, log: Logger, api?: AppApi) {
  const app = new Koa({ proxy: config.trustProxy });
  const files = existsSync(config.clientDir) ? indexBuild(config.clientDir) : new Map<string, StaticFile>();
  if (!files.has('/play.html') || !files.has('/sandbox/frame.html')) {
    throw new Error(`No built player in ${config.clientDir}: run \`npm run build\` first.`);
  }

  // Errors Koa meets after the response started (a stream failing, a client going away) would go to
  // stderr as bare stack traces: log them as JSON, and a client that disconnected mid-download only at debug.
  app.on('error', (error: Error & { code?: string }, ctx?: { state?: { requestId?: string }; path?: string }) => {
    const gone = error.code === 'ERR_STREAM_PREMATURE_CLOSE' || error.code === 'ECONNRESET' || error.code === 'EPIPE';
    const fields = { request_id: ctx?.state?.requestId, path: ctx?.path, error: gone ? error.message : (error.stack ?? String(error)) };
    if (gone) log.debug('client went away', fields);
    else log.error('response failed', fields);
  });

  app.use(async (ctx, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null) throw bodilessError(ctx.status, ctx.method, ctx.path);
    } catch (error) {
      const known = asHttpError(error);
      ctx.status = known?.status ?? 500;
      for (const [name, value] of Object.entries(known?.headers ?? {})) ctx.set(name, value);
      ctx.body = { error: { code: known?.code ?? 'internal', message: known?.message ?? 'Something went wrong on the server.' } };
      if (!known) log.error('request failed', { request_id: requestId, path: ctx.path, error: (error as Error)?.stack ?? String(error) });
    } finally {
      // Shutting down: a keep-alive connection must close after this answer, or it would hold the drain open.
      if (api?.stopping()) ctx.set('Connection', 'close');
      const ms = performance.now() - started;
      // Server-side time for every answer (the SLOs are server-side); routes may add their own metrics.
      ctx.append('Server-Timing', `total;dur=${ms.toFixed(2)}`);
      log.info('request', { request_id: requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms) });
    }
  });

  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz') {
      ctx.body = { ok: true };
      return;
    }
    if (ctx.path === '/readyz') {
      const ready = api ? api.ready() : true;
      ctx.status = ready ? 200 : 503;
      ctx.body = { ok: ready };
      return;
    }
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) {
      ctx.set('Cache-Control', 'no-store');
      if (api) await api.middleware(ctx, async () => {});
      return;
    }
    if (ctx.path === '/') {
      ctx.redirect('/play');
      return;
    }
    for (const [pattern, page] of PAGES) {
      if (pattern.test(ctx.path)) {
        ctx.path = page;
        break;
      }
    }
    await next();
  });

  app.use(
    serveStatic(files, (path): Record<string, string> => {
      if (path.startsWith('/sandbox/') && path.endsWith('.html')) return { 'Content-Security-Policy': 'sandbox allow-scripts', 'Referrer-Policy': 'no-referrer' };
      // A public script, readable by any origin: the sandbox (origin "null") fetches it when its
      // frame.html does not carry the renderer's code (the dev server's watch builds).
      if (path === '/sandbox/renderer.js') return { 'Access-Control-Allow-Origin': '*' };
      if (path.endsWith('.html')) return { 'Content-Security-Policy': APP_CSP, 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'SAMEORIGIN' };
      return {};
    }),
  );
  return app;
}

function bodilessError(status: number, method: string, path: string): HttpError {
  if (status === 404) return new HttpError(404, 'not_found', `Nothing at ${method} ${path}.`);
  if (status === 405) return new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}.`);
  return new HttpError(status, STATUS_CODES[status] ?? 'error', `The request failed with status ${status}.`);
}

/** Our own errors, and the 4xx errors Koa and its middleware throw (`ctx.throw`, http-errors with `expose`). */
function asHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const e = error as { status?: unknown; expose?: unknown; message?: unknown } | null;
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return new HttpError(e.status, STATUS_CODES[e.status] ?? 'bad_request', typeof e.message === 'string' ? e.message : 'Bad request.');
  }
  return undefined;
}
