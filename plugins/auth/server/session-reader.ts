import type { Middleware } from 'koa';
import type { RequestState } from '../../../runtime/plugin/server';
import { ACCESS_COOKIE } from './cookies';
import type { SessionStore } from './sessions';
import type { KeyRing } from './signing-keys';
import { accessTokenVerifier } from './tokens';

/**
 * Turns the access-token cookie into `ctx.state.user` (or `ctx.state.guest`). The token must verify
 * and its session must still be active, so signing out or a detected refresh-token reuse takes
 * effect at once, not when the token expires. A bad token leaves `ctx.state.authError` for the route
 * to answer with, if it needs a session at all.
 */
export function sessionReader(keys: KeyRing, sessions: SessionStore): Middleware<RequestState> {
  const verify = accessTokenVerifier(keys);
  return async (ctx, next) => {
    const token = ctx.cookies.get(ACCESS_COOKIE);
    if (token) {
      const verified = await verify(token);
      if (!verified.ok) {
        ctx.state.authError = verified.reason;
      } else {
        const { sid, sub, kind } = verified.claims;
        const principal = sessions.active(sid);
        if (!principal || principal.id !== sub || principal.kind !== kind) {
          ctx.state.authError = 'session_ended';
        } else {
          // A WebSocket outlives the access token it opened with: it asks again whether the session still stands.
          ctx.state.sessionActive = () => sessions.active(sid) !== undefined;
          if (principal.kind === 'user') {
            ctx.state.user = { id: principal.id, name: principal.name ?? '', sessionId: sid };
            ctx.state.telemetry.setContext({ user_id: principal.id });
          } else {
            ctx.state.guest = { id: principal.id, sessionId: sid };
          }
        }
      }
    }
    await next();
  };
}
