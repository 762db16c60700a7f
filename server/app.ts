import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import Koa from 'koa';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { indexBuild, serveStatic, type StaticFile } from './static-files';

/** Pages the app routes to its HTML entry points. */
const PAGES: Array<[RegExp, string]> = [[/^\/play(\/[A-Za-z0-9_-]{1,64})?\/?$/, '/play.html']];

const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The Koa app: request ids and JSON access logs, errors as `{ error: { code, message } }` (never a
 * stack trace), the built player with its security headers, health checks.
 */
export function createApp(config: ServerConfig, log: Logger) {
  const app = new Koa({ proxy: false });
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
      if (ctx.status === 404 && ctx.body === undefined) throw new HttpError(404, 'not_found', `Nothing at ${ctx.method} ${ctx.path}.`);
    } catch (error) {
      const known = error instanceof HttpError;
      const status = known ? error.status : 500;
      ctx.status = status;
      ctx.body = { error: { code: known ? error.code : 'internal', message: known ? error.message : 'Something went wrong on the server.' } };
      if (!known) log.error('request failed', { request_id: requestId, path: ctx.path, error: (error as Error).stack ?? String(error) });
    } finally {
      log.info('request', { request_id: requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) });
    }
  });

  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz' || ctx.path === '/readyz') {
      ctx.body = { ok: true };
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
      // The sandbox (origin "null") fetches the renderer's code: a public script, readable by any origin.
      if (path === '/sandbox/renderer.js') return { 'Access-Control-Allow-Origin': '*' };
      if (path.endsWith('.html')) return { 'Content-Security-Policy': APP_CSP, 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'SAMEORIGIN' };
      return {};
    }),
  );
  return app;
}
