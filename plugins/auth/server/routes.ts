import Router from '@koa/router';
import type { Context } from 'koa';
import { readObject, readString, type Fields } from '../../../runtime/plugin/request-input';
import { HttpError, requireVisitor, type RequestState } from '../../../runtime/plugin/server';
import type { AuthCookies } from './cookies';
import { REFRESH_COOKIE } from './cookies';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import type { SessionPrincipal, SessionStore } from './sessions';
import type { AuthSettings } from './settings';
import type { KeyRing } from './signing-keys';
import { failureThrottle, hourlyQuota } from './throttle';
import { signAccessToken } from './tokens';
import type { userStore } from './users';

const USERNAME = { min: 3, max: 32, pattern: /^[a-z0-9][a-z0-9_.-]*$/, hint: 'lower-case letters, digits, ".", "_" and "-", starting with a letter or digit' };
/** Spaces count in passwords; the upper bound keeps one request's hashing work bounded. */
const PASSWORD = { min: 8, max: 256, raw: true };

interface Deps {
  settings: AuthSettings;
  keys: KeyRing;
  sessions: SessionStore;
  users: ReturnType<typeof userStore>;
  cookies: AuthCookies;
}

type Ctx = Context & { state: RequestState };

export function authRoutes({ settings, keys, sessions, users, cookies }: Deps): Router<RequestState> {
  const router = new Router<RequestState>();
  const accountFailures = failureThrottle({ free: settings.login.accountFailures, baseMs: settings.login.backoffMs, maxMs: settings.login.backoffMaxMs, windowMs: settings.login.windowMs });
  const ipFailures = failureThrottle({ free: settings.login.ipFailures, baseMs: settings.login.backoffMs, maxMs: settings.login.backoffMaxMs, windowMs: settings.login.windowMs });
  const registrations = hourlyQuota(settings.registerPerIpPerHour);
  const guests = hourlyQuota(settings.guestsPerIpPerHour);

  /** Issues the access token, sets both cookies, and describes the session for the answer. */
  const signIn = async (ctx: Ctx, principal: SessionPrincipal, refreshToken: string) => {
    const access = await signAccessToken(keys, { sub: principal.id, sid: principal.sessionId, kind: principal.kind }, settings.accessTtl);
    cookies.set(ctx, { token: access.token, ttlMs: settings.accessTtl * 1000 }, { token: refreshToken, ttlMs: settings.refreshTtl * 1000 });
    return { ...describe(principal), accessExpiresAt: access.expiresAt };
  };

  router.post('/register', async (ctx) => {
    const body = readObject(ctx.state.body);
    const username = readUsername(body);
    const password = readString(body, 'password', PASSWORD);
    refuseOverQuota(registrations.take(ctx.ip), 'Too many accounts created from this address');
    const telemetry = ctx.state.telemetry;
    const started = performance.now();
    telemetry.emit('auth_login_start', ctx.state.correlationId, { method: 'register' });
    const user = users.create(username, await hashPassword(password));
    if (!user) {
      telemetry.emit('auth_login_failure', ctx.state.correlationId, { method: 'register', reason: 'username_taken', duration_ms: performance.now() - started });
      throw new HttpError(409, 'username_taken', `The user name "${username}" is taken.`);
    }
    const { principal, refreshToken } = sessions.start(user);
    telemetry.setContext({ user_id: user.id });
    telemetry.emit('auth_login_success', ctx.state.correlationId, { method: 'register', duration_ms: performance.now() - started });
    ctx.status = 201;
    ctx.body = await signIn(ctx, principal, refreshToken);
  });

  router.post('/login', async (ctx) => {
    const telemetry = ctx.state.telemetry;
    const correlation = ctx.state.correlationId;
    const started = performance.now();
    telemetry.emit('auth_login_start', correlation, { method: 'password' });
    const failed = (reason: string, error: HttpError, userId?: string) => {
      telemetry.emit('auth_login_failure', correlation, { method: 'password', reason, duration_ms: performance.now() - started, ...(userId ? { user_id: userId } : {}) });
      return error;
    };
    let username: string;
    let password: string;
    try {
      const body = readObject(ctx.state.body);
      username = readUsername(body);
      password = readString(body, 'password', PASSWORD);
    } catch (error) {
      throw failed('invalid_input', error as HttpError);
    }
    const wait = Math.max(accountFailures.retryAfter(`account:${username}`), ipFailures.retryAfter(`ip:${ctx.ip}`));
    if (wait > 0) throw failed('rate_limited', tooMany('Too many failed sign-ins', wait));
    const user = users.byName(username);
    const ok = (await verifyPassword(password, user?.password_hash ?? (await dummyHash()))) && user !== undefined;
    if (!ok) {
      accountFailures.fail(`account:${username}`);
      ipFailures.fail(`ip:${ctx.ip}`);
      throw failed('invalid_credentials', new HttpError(401, 'invalid_credentials', 'Wrong user name or password.'), user?.id);
    }
    accountFailures.succeed(`account:${username}`);
    if (needsRehash(user.password_hash)) users.setPasswordHash(user.id, await hashPassword(password));
    const { principal, refreshToken } = sessions.start(user);
    telemetry.setContext({ user_id: user.id });
    telemetry.emit('auth_login_success', correlation, { method: 'password', duration_ms: performance.now() - started });
    ctx.body = await signIn(ctx, principal, refreshToken);
  });

  router.post('/refresh', async (ctx) => {
    const presented = ctx.cookies.get(REFRESH_COOKIE);
    const emit = (outcome: string, userId?: string) =>
      ctx.state.telemetry.emit('auth_login_refresh', ctx.state.correlationId, { outcome, ...(userId ? { user_id: userId } : {}) });
    if (!presented) {
      emit('missing');
      throw new HttpError(401, 'unauthenticated', 'No session to refresh: sign in.');
    }
    const result = sessions.rotate(presented);
    if (!result.ok) {
      emit(result.reason, result.userId);
      // A concurrent refresh keeps the cookies the other request just set.
      if (result.reason !== 'concurrent') cookies.clear(ctx);
      throw REFRESH_FAILURES[result.reason];
    }
    emit('ok', result.principal.kind === 'user' ? result.principal.id : undefined);
    ctx.body = await signIn(ctx, result.principal, result.refreshToken);
  });

  router.post('/logout', (ctx) => {
    const presented = ctx.cookies.get(REFRESH_COOKIE);
    const sessionId = ctx.state.user?.sessionId ?? ctx.state.guest?.sessionId ?? (presented ? sessions.sessionOfRefreshToken(presented) : undefined);
    if (sessionId) sessions.end(sessionId, 'signed_out');
    cookies.clear(ctx);
    ctx.status = 204;
  });

  router.get('/session', (ctx) => {
    if (ctx.state.authError) requireVisitor(ctx.state);
    const { user, guest } = ctx.state;
    ctx.body = { user: user ? { id: user.id, name: user.name } : null, guest: guest ? { id: guest.id } : null };
  });

  router.post('/guest', async (ctx) => {
    if (ctx.state.user) throw new HttpError(409, 'already_signed_in', 'You are signed in: no guest session needed.');
    if (ctx.state.guest) {
      ctx.body = { user: null, guest: { id: ctx.state.guest.id } };
      return;
    }
    refuseOverQuota(guests.take(ctx.ip), 'Too many guest sessions from this address');
    ctx.state.telemetry.emit('auth_login_start', ctx.state.correlationId, { method: 'guest' });
    const { principal, refreshToken } = sessions.start();
    ctx.state.telemetry.emit('auth_login_success', ctx.state.correlationId, { method: 'guest', guest_id: principal.id });
    ctx.status = 201;
    ctx.body = await signIn(ctx, principal, refreshToken);
  });

  return router;
}

const REFRESH_FAILURES: Record<'unknown' | 'expired' | 'revoked' | 'reused' | 'concurrent' | 'too_old', HttpError> = {
  concurrent: new HttpError(409, 'refresh_concurrent', 'This session was refreshed a moment ago by another request: retry with the cookies it set.'),
  unknown: new HttpError(401, 'refresh_invalid', 'The refresh token is not valid: sign in again.'),
  expired: new HttpError(401, 'refresh_expired', 'The session expired: sign in again.'),
  too_old: new HttpError(401, 'refresh_expired', 'This session reached its longest allowed age: sign in again.'),
  revoked: new HttpError(401, 'session_ended', 'This session was signed out: sign in again.'),
  reused: new HttpError(401, 'refresh_reused', 'This refresh token was already used, so the session was ended for safety: sign in again.'),
};

function readUsername(body: Fields): string {
  const raw = body.username;
  return readString({ username: typeof raw === 'string' ? raw.toLowerCase() : raw }, 'username', USERNAME);
}

function describe(principal: SessionPrincipal) {
  return principal.kind === 'user' ? { user: { id: principal.id, name: principal.name ?? '' }, guest: null } : { user: null, guest: { id: principal.id } };
}

function tooMany(what: string, waitMs: number): HttpError {
  const seconds = Math.ceil(waitMs / 1000);
  return new HttpError(429, 'rate_limited', `${what}: try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
}

function refuseOverQuota(waitMs: number, what: string) {
  if (waitMs > 0) throw tooMany(what, waitMs);
}
