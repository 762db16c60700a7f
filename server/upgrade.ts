import { randomUUID } from 'node:crypto';
import { STATUS_CODES, ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { HttpError, type RequestState } from '../runtime/plugin/server';
import type { Logger } from './log';
import type { PluginUpgrade } from './plugin-host';

export interface UpgradeOptions {
  app: Koa;
  upgrades: ReadonlyMap<string, PluginUpgrade>;
  /** The plugin middleware chain (with request telemetry): sets `ctx.state.user`, `roomRole`… */
  middleware: (ctx: Koa.Context) => Promise<unknown>;
  allowedOrigins: readonly string[];
  log: Logger;
  stopping(): boolean;
}

/**
 * The HTTP server's `upgrade` listener. Finds the plugin that owns the path, checks the Origin
 * (against cross-site WebSocket hijacking: a browser sends cookies on a cross-site handshake too),
 * runs the plugin middleware on a Koa context made for the handshake so the handler gets the same
 * `RequestState` a route gets, and hands the socket over. Refusals are plain HTTP answers with a
 * JSON error body; nothing a client sends here can throw out of this function.
 */
export function upgradeListener(options: UpgradeOptions) {
  const { app, upgrades, log } = options;
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client resetting mid-handshake emits 'error' on the socket: without a listener that is a crash.
    socket.on('error', () => {});
    void handleUpgrade(options, req, socket, head).catch((error: unknown) => {
      log.error('upgrade failed', { error: (error as Error)?.stack ?? String(error) });
      refuse(socket, new HttpError(500, 'internal', 'Something went wrong on the server.'));
    });
  };

  async function handleUpgrade({ middleware, allowedOrigins, stopping }: UpgradeOptions, req: IncomingMessage, socket: Duplex, head: Buffer) {
    const started = performance.now();
    const requestId = randomUUID();
    const path = pathOf(req.url);
    const done = (status: number) => log.info('upgrade', { request_id: requestId, path, status, ms: Math.round(performance.now() - started) });
    const handler = path === undefined ? undefined : upgrades.get(path);
    if (stopping()) return done(refuse(socket, new HttpError(503, 'shutting_down', 'The server is shutting down: reconnect later.')));
    if (!handler) return done(refuse(socket, new HttpError(404, 'not_found', `Nothing to upgrade at ${String(path).slice(0, 100)}.`)));

    const ctx = app.createContext<RequestState>(req, new ServerResponse(req));
    ctx.state.requestId = requestId;
    const origin = ctx.get('Origin');
    const own = `${ctx.protocol}://${ctx.host}`;
    if (origin && origin !== own && !allowedOrigins.includes(origin)) {
      log.warn('security', { event: 'upgrade_origin_refused', request_id: requestId, path, origin: origin.slice(0, 100) });
      return done(refuse(socket, new HttpError(403, 'origin_not_allowed', `Connections from ${origin.slice(0, 100)} are not allowed.`)));
    }
    const site = ctx.get('Sec-Fetch-Site');
    if (!origin && site && site !== 'same-origin' && site !== 'none') {
      return done(refuse(socket, new HttpError(403, 'origin_not_allowed', 'Cross-site connections are not allowed.')));
    }
    try {
      await middleware(ctx);
      await handler.handle(ctx.state, req, socket, head);
      done(101);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      done(refuse(socket, error));
    }
  }
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://upgrade.invalid').pathname;
  } catch {
    return undefined;
  }
}

/** Answers the handshake with an HTTP error and closes the connection. */
function refuse(socket: Duplex, error: HttpError): number {
  if (socket.writable) {
    const body = JSON.stringify({ error: { code: error.code, message: error.message } });
    const headers = Object.entries(error.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`,
    );
  }
  // end() flushes the answer; destroy soon after in case the client never closes its side.
  setTimeout(() => socket.destroy(), 1000).unref();
  return error.status;
}
