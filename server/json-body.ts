import type { Middleware } from 'koa';
import { HttpError } from '../runtime/plugin/server';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads a write request's JSON body into `ctx.state.body`, refusing more than `limit` bytes with a
 * 413 before reading them (declared length) or as soon as they arrive (chunked), anything but JSON
 * with a 415, and malformed JSON with a 400.
 */
export function jsonBody(limit: number): Middleware {
  return async (ctx, next) => {
    if (!WRITES.has(ctx.method)) return next();
    const declared = ctx.get('Content-Length');
    const chunked = /chunked/i.test(ctx.get('Transfer-Encoding'));
    if (declared !== '' && Number(declared) > limit) throw tooLarge(ctx, limit);
    if ((declared === '' || declared === '0') && !chunked) return next();
    if (!ctx.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
    }
    const text = await readText(ctx.req, limit).catch((error: unknown) => {
      if (error === TOO_LARGE) throw tooLarge(ctx, limit);
      throw new HttpError(400, 'body_unreadable', 'The request body could not be read.');
    });
    if (text.trim() !== '') {
      // Nesting is bounded before parsing: routes (and JSON.stringify) recurse over what they get.
      if (nestingDepth(text) > MAX_DEPTH) throw new HttpError(400, 'invalid_json', `The request body is nested more than ${MAX_DEPTH} levels deep.`);
      try {
        ctx.state.body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
      }
    }
    await next();
  };
}

const TOO_LARGE = Symbol('too large');
const MAX_DEPTH = 64;

/** Deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

function tooLarge(ctx: Parameters<Middleware>[0], limit: number): HttpError {
  // The rest of the body is not read: close the connection after answering rather than drain it.
  ctx.set('Connection', 'close');
  return new HttpError(413, 'body_too_large', `The request body is larger than ${limit} bytes.`);
}

function readText(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        reject(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
