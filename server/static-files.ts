import { createReadStream, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { Middleware } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  path: string;
  size: number;
  type: string;
  mtime: Date;
}

/**
 * Lists every file of the build once, at start. Only these exact URL paths are ever served, so no
 * request path, however encoded or dotted, can reach a file outside the build.
 */
export function indexBuild(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const url = '/' + relative(dir, full).split(sep).join('/');
        const stat = statSync(full);
        files.set(url, { path: full, size: stat.size, mtime: stat.mtime, type: TYPES[extname(full)] ?? 'application/octet-stream' });
      }
    }
  };
  walk(dir);
  return files;
}

/** Serves files of the build index. Hashed assets are cached for a year; everything else revalidates. */
export function serveStatic(files: Map<string, StaticFile>, headers: (path: string) => Record<string, string> = () => ({})): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const file = files.get(ctx.path);
    if (!file) return next();
    // The index decides what may be served; size and date are read now, so a rebuild is picked up.
    const now = await stat(file.path).catch(() => undefined);
    if (!now?.isFile()) return next();
    file.size = now.size;
    file.mtime = now.mtime;
    ctx.set('Cache-Control', ctx.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    for (const [name, value] of Object.entries(headers(ctx.path))) ctx.set(name, value);
    ctx.lastModified = file.mtime;
    ctx.etag = `W/"${file.size.toString(16)}-${file.mtime.getTime().toString(16)}"`;
    // ctx.fresh is only ever true for a 2xx status, and Koa's default is 404.
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = file.type;
    ctx.length = file.size;
    // HEAD: headers only. (A null body would turn the answer into a 204 without type and length.)
    if (ctx.method === 'GET') ctx.body = createReadStream(file.path);
  };
}
