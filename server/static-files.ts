import { createReadStream, readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Context, Middleware } from 'koa';

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

/** Text-like types worth compressing (images and fonts already are). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.map', '.wasm', '.svg']);
/** Below this a compressed answer saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const ENCODERS = {
  // Quality 9 of 11: within a few per cent of the best for JS, several times faster to make.
  br: (data: Buffer) => brotli(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }),
  gzip: (data: Buffer) => gzipped(data, { level: 9 }),
};
type Encoding = keyof typeof ENCODERS;

/** The encoding to answer with, from the request's Accept-Encoding (brotli first), or none. */
function chooseEncoding(ctx: Context): Encoding | null {
  // No header: a client that never said it decodes anything gets the file as it is.
  if (!ctx.get('Accept-Encoding')) return null;
  for (const encoding of ['br', 'gzip'] as const) if (ctx.acceptsEncodings(encoding) === encoding) return encoding;
  return null;
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

/**
 * Serves files of the build index. Hashed assets are cached for a year; everything else revalidates.
 * Text files go out compressed (brotli, else gzip) to clients that ask for it: an audience loads the
 * player over real networks. Each file is compressed once per build, off the event loop, and kept;
 * until its compressed copy is ready it goes out as it is, so no answer waits for the compressor.
 */
export function serveStatic(files: Map<string, StaticFile>, headers: (path: string) => Record<string, string> = () => ({})): Middleware {
  /** Per file and encoding: the version compressed (size and date), and its bytes once made. */
  const compressed = new Map<string, { version: string; bytes: Buffer | null }>();
  const compressedCopy = (file: StaticFile, encoding: Encoding): Buffer | null => {
    const key = `${file.path}\u0000${encoding}`;
    const version = `${file.size}-${file.mtime.getTime()}`;
    const known = compressed.get(key);
    if (known?.version === version) return known.bytes;
    // First asked for, or rebuilt: compress it now for the next request.
    const entry = { version, bytes: null as Buffer | null };
    compressed.set(key, entry);
    readFile(file.path)
      .then((data) => ENCODERS[encoding](data))
      .then(
        (bytes) => void (entry.bytes = bytes),
        () => compressed.delete(key),
      );
    return null;
  };

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
    const compressible = COMPRESSIBLE.has(extname(file.path)) && file.size >= MIN_COMPRESS_BYTES;
    if (compressible) ctx.vary('Accept-Encoding');
    const wanted = compressible ? chooseEncoding(ctx) : null;
    const copy = wanted ? compressedCopy(file, wanted) : null;
    const encoding = copy ? wanted : null;
    ctx.lastModified = file.mtime;
    // Each encoding is its own representation, with its own tag.
    ctx.etag = `W/"${file.size.toString(16)}-${file.mtime.getTime().toString(16)}${encoding ? `-${encoding}` : ''}"`;
    // ctx.fresh is only ever true for a 2xx status, and Koa's default is 404.
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = file.type;
    if (encoding && copy) {
      ctx.set('Content-Encoding', encoding);
      ctx.length = copy.length;
      if (ctx.method === 'GET') ctx.body = copy;
      return;
    }
    ctx.length = file.size;
    // HEAD: headers only. (A null body would turn the answer into a 204 without type and length.)
    if (ctx.method === 'GET') ctx.body = createReadStream(file.path);
  };
}
