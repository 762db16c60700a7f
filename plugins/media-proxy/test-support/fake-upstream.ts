import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/**
 * A media host for tests (vitest and Playwright), on 127.0.0.1 and an ephemeral port, that serves
 * the committed fixtures (or any bytes given to `addFile`) with proper ranges, or misbehaves on
 * request. Path: `/media/<name>`; the fault is chosen by query parameters:
 *
 * | `fault=`          | what upstream does                                                          |
 * | ----------------- | --------------------------------------------------------------------------- |
 * | `slow-first-byte` | waits `delay` ms (default 1000) before the headers                          |
 * | `trickle`         | sends `chunk` bytes (default 1024) every `every` ms (default 20)            |
 * | `stall`           | sends the headers and the first half of the body, then nothing, socket open |
 * | `pause`           | sends the first half, waits `delay` ms (default 4000), then the rest        |
 * | `no-range`        | ignores Range: always 200 with the whole file                               |
 * | `wrong-range`     | answers 206 with a Content-Range one byte off from the one asked for        |
 * | `truncate`        | promises the full length, sends half, closes the connection                 |
 * | `no-cors`         | no Access-Control-* headers (the default sends `*`)                         |
 * | `status`          | answers with `code` (e.g. 503, 404) and a short text body                   |
 * | `redirect`        | 302 to `to` (another allowed host, a private address …); without `to`, to itself |
 */
export interface FakeUpstream {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** URL of a file with a fault: `url('faststart.mp4', { fault: 'stall' })`. */
  url(name: string, query?: Record<string, string | number>, host?: string): string;
  addFile(name: string, bytes: Buffer): void;
  /** Every request received: method, path and headers. */
  requests: Array<{ method: string; path: string; range?: string }>;
  /** Connections open right now (0 once the proxy let go of everything). */
  openConnections(): number;
  close(): Promise<void>;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const TYPES: Record<string, string> = { mp4: 'video/mp4', webm: 'video/webm', bin: 'application/octet-stream' };

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const files = new Map<string, Buffer>();
  const requests: FakeUpstream['requests'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const fileFor = (name: string): Buffer | undefined => {
    if (files.has(name)) return files.get(name);
    if (!/^[a-z0-9-]+\.(mp4|webm)$/.test(name)) return undefined;
    try {
      const bytes = readFileSync(join(FIXTURES, name));
      files.set(name, bytes);
      return bytes;
    } catch {
      return undefined;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    const fault = q('fault');
    const cors: Record<string, string> = fault === 'no-cors' ? {} : { 'Access-Control-Allow-Origin': '*' };

    if (fault === 'redirect') {
      res.writeHead(302, { Location: q('to') ?? req.url ?? '/', ...cors });
      res.end();
      return;
    }
    if (fault === 'status') {
      const code = Number(q('code') ?? 503);
      res.writeHead(code, { 'Content-Type': 'text/plain', ...cors });
      res.end(`upstream says ${code}`);
      return;
    }
    const name = url.pathname.replace(/^\/media\//, '');
    const bytes = fileFor(name);
    if (!bytes) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...cors });
      res.end('no such file');
      return;
    }
    const ext = name.split('.').pop()!;
    const headers: Record<string, string> = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: `"fake-${bytes.length}"`,
      'Last-Modified': new Date(Date.UTC(2026, 0, 1)).toUTCString(),
      ...cors,
    };
    let status = 200;
    let body = bytes;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && fault !== 'no-range') {
      let start: number;
      let end: number;
      if (range[1] === '') {
        start = Math.max(0, bytes.length - Number(range[2]));
        end = bytes.length - 1;
      } else {
        start = Number(range[1]);
        end = range[2] === '' ? bytes.length - 1 : Math.min(Number(range[2]), bytes.length - 1);
      }
      if (start >= bytes.length || fault === '416') {
        res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}`, ...cors });
        res.end();
        return;
      }
      status = 206;
      body = bytes.subarray(start, end + 1);
      const shown = fault === 'wrong-range' ? start + 1 : start;
      headers['Content-Range'] = `bytes ${shown}-${end}/${bytes.length}`;
    } else if (fault === '416') {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}`, ...cors });
      res.end();
      return;
    }
    headers['Content-Length'] = String(body.length);

    const send = () => {
      res.writeHead(status, headers);
      if (req.method === 'HEAD') return res.end();
      switch (fault) {
        case 'stall':
          res.write(body.subarray(0, Math.floor(body.length / 2)));
          return; // never ends; the socket stays open until the client gives up
        case 'pause':
          res.write(body.subarray(0, Math.floor(body.length / 2)));
          later(Number(q('delay') ?? 4000), () => {
            if (!res.destroyed) res.end(body.subarray(Math.floor(body.length / 2)));
          });
          return;
        case 'truncate':
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
          return;
        case 'trickle': {
          const chunk = Number(q('chunk') ?? 1024);
          const every = Number(q('every') ?? 20);
          let at = 0;
          const next = () => {
            if (res.destroyed) return;
            res.write(body.subarray(at, at + chunk));
            at += chunk;
            if (at >= body.length) res.end();
            else later(every, next);
          };
          return next();
        }
        default:
          res.end(body);
      }
    };
    if (fault === 'slow-first-byte') later(Number(q('delay') ?? 1000), send);
    else send();
  };

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url(name, query = {}, host = '127.0.0.1') {
      const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
      return `http://${host}:${port}/media/${name}${search ? `?${search}` : ''}`;
    },
    addFile: (name, bytes) => void files.set(name, bytes),
    requests,
    openConnections: () => sockets.size,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
