import type { Middleware } from 'koa';
import { HttpError } from '../../../runtime/plugin/server';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'X-Patchroom-CSRF';

/**
 * CSRF defence for every write under /api (sign-in included, against login CSRF):
 * 1. a custom header, which a cross-site form cannot send and a cross-site script cannot send
 *    without a CORS preflight this server never approves;
 * 2. the Origin, when the browser sends one, must be this server's own or an allowed origin
 *    (ALLOWED_ORIGINS); without Origin, Sec-Fetch-Site must not say the request is cross-site.
 */
export function csrfGuard(allowedOrigins: readonly string[]): Middleware {
  return (ctx, next) => {
    if (SAFE.has(ctx.method)) return next();
    if (ctx.get(CSRF_HEADER) !== '1') {
      throw new HttpError(403, 'csrf_check_failed', `Writes need the header "${CSRF_HEADER}: 1".`);
    }
    const origin = ctx.get('Origin');
    // Not ctx.origin: in Koa 3 that is the Origin header itself.
    const own = `${ctx.protocol}://${ctx.host}`;
    if (origin) {
      if (origin !== own && !allowedOrigins.includes(origin)) throw new HttpError(403, 'origin_not_allowed', `Requests from ${origin.slice(0, 100)} are not allowed.`);
    } else {
      const site = ctx.get('Sec-Fetch-Site');
      if (site && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'origin_not_allowed', 'Cross-site requests are not allowed.');
    }
    return next();
  };
}
