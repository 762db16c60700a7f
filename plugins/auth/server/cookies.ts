import type { Context } from 'koa';
import type { ServerSettings } from '../../../runtime/plugin/server';

export const ACCESS_COOKIE = 'patchroom_access';
export const REFRESH_COOKIE = 'patchroom_refresh';
/** The refresh token is only ever sent to the auth routes that use it. */
const REFRESH_PATH = '/api/auth';

/**
 * Both tokens travel only in HttpOnly, SameSite=Strict cookies: page scripts cannot read them and
 * other sites' requests do not carry them. Secure when the request came over https (or always/never
 * by COOKIE_SECURE).
 */
export function authCookies(settings: ServerSettings) {
  const options = (ctx: Context, path: string, maxAgeMs: number) => {
    const secure = settings.cookieSecure === 'always' || (settings.cookieSecure === 'auto' && ctx.secure);
    // Koa refuses Secure cookies on a plain-http socket; behind a TLS proxy COOKIE_SECURE=always says otherwise.
    if (secure) ctx.cookies.secure = true;
    return { httpOnly: true, sameSite: 'strict' as const, secure, path, maxAge: maxAgeMs, overwrite: true };
  };
  return {
    set(ctx: Context, access: { token: string; ttlMs: number }, refresh: { token: string; ttlMs: number }) {
      ctx.cookies.set(ACCESS_COOKIE, access.token, options(ctx, '/', access.ttlMs));
      ctx.cookies.set(REFRESH_COOKIE, refresh.token, options(ctx, REFRESH_PATH, refresh.ttlMs));
    },
    clear(ctx: Context) {
      ctx.cookies.set(ACCESS_COOKIE, '', { ...options(ctx, '/', 0), expires: new Date(0) });
      ctx.cookies.set(REFRESH_COOKIE, '', { ...options(ctx, REFRESH_PATH, 0), expires: new Date(0) });
    },
  };
}

export type AuthCookies = ReturnType<typeof authCookies>;
