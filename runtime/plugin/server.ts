import type { Telemetry, TelemetrySink } from '../telemetry/events';
import type { PluginManifest } from './types';

/**
 * The server side of a plugin: a plain object made with `defineServerPlugin`, exactly what the
 * server's own features (auth, rooms, library…) use. runtime/ knows no Koa and no SQLite, so the
 * framework types are parameters that a plugin's `server.ts` fills in where it is written:
 *
 * ```ts
 * import Router from '@koa/router';
 * import type { Database } from 'better-sqlite3';
 * export default defineServerPlugin({
 *   manifest,
 *   migrations: [{ version: 1, up: 'CREATE TABLE notes_items (id TEXT PRIMARY KEY)' }],
 *   setup(host: ServerPluginHost<Database>) {
 *     const router = new Router<RequestState>();   // mounted under /api/notes
 *     router.get('/', (ctx) => { ctx.body = { items: [] }; });
 *     return { router };
 *   },
 * });
 * ```
 */
export interface ServerPlugin<Db = unknown, Router = unknown, Middleware = unknown, Upgrade = unknown> {
  /** Name and requirements; the name is the URL prefix (`/api/<name>`) and the table prefix. */
  manifest: PluginManifest;
  /** Applied once each, in version order, each in a transaction, before `setup`. */
  migrations?: readonly Migration<Db>[];
  setup(host: ServerPluginHost<Db>): ServerPluginParts<Router, Middleware, Upgrade> | Promise<ServerPluginParts<Router, Middleware, Upgrade>>;
}

/**
 * Identity helper: returns the plugin unchanged so TypeScript checks it where it is written. The
 * framework types are inferred from `setup`'s annotated host and from what it returns (a plugin
 * without a router or middleware gets `never` there, which fits any host).
 */
export function defineServerPlugin<Db = unknown, Router = never, Middleware = never, Upgrade = never>(
  plugin: ServerPlugin<Db, Router, Middleware, Upgrade>,
): ServerPlugin<Db, Router, Middleware, Upgrade> {
  return plugin;
}

/**
 * One schema change. Versions are whole numbers, increasing; the host records each applied
 * (plugin, version) and refuses a database that is ahead of the plugin. Every table, index and
 * trigger a plugin creates must be named `<plugin>_…` (dashes as underscores) so plugins cannot
 * collide; the host checks it.
 */
export interface Migration<Db> {
  version: number;
  up: string | ((db: Db) => void);
}

export interface ServerPluginParts<Router, Middleware, Upgrade = never> {
  /** Mounted under `/api/<plugin name>`. */
  router?: Router;
  /**
   * Run for every `/api` request, in plugin order, before any router (e.g. to set `ctx.state.user`),
   * and before the body is read: `ctx.state.body` is not set yet.
   */
  middleware?: readonly Middleware[];
  /**
   * Takes over connection upgrades (WebSockets) on one path. The host checks the Origin and runs
   * every plugin's middleware on a context made for the upgrade request first, so the handler gets
   * the same `RequestState` as a route (`user`, `guest`, `roomRole`…). Filled in by the host as an
   * `UpgradeHandler` with its own request/socket types.
   */
  upgrade?: Upgrade;
  /** After every plugin is set up, before the server accepts requests. */
  start?(): void | Promise<void>;
  /** At shutdown, after the last request finished, in reverse plugin order, before the database closes. */
  stop?(): void | Promise<void>;
}

/**
 * An upgrade path a plugin owns (`/<plugin name>` or below it). Unknown paths get a 404 from the
 * host; an Origin that is neither the server's own nor in `allowedOrigins` gets a 403 before the
 * handler runs (cookies ride along on cross-site WebSocket handshakes: the Origin check is what
 * stops cross-site WebSocket hijacking). A request without an Origin header comes from a
 * non-browser client (browsers always send one on WebSocket handshakes) and is let through to the
 * handler, which still needs a session.
 */
export interface UpgradeHandler<Request, Socket, Head> {
  /** Exact path, without query. */
  path: string;
  /**
   * Owns `socket` from here on. Throwing an `HttpError` before taking the socket answers the
   * handshake with that status instead.
   */
  handle(state: RequestState, request: Request, socket: Socket, head: Head): void | Promise<void>;
  /** At shutdown, before the host waits for requests in flight: end every connection taken (e.g. WebSocket close 1001). */
  closeAll?(): void | Promise<void>;
}

/** What the server hands a plugin's `setup`. */
export interface ServerPluginHost<Db> {
  /** The plugin's own name. */
  readonly name: string;
  /** The shared SQLite database (WAL). Keep to the plugin's own `<plugin>_` tables. */
  readonly db: Db;
  /** `<data dir>/<plugin name>`, created on first use by `ensureDataDir`. */
  readonly dataDir: string;
  ensureDataDir(): string;
  /** Server-wide settings a plugin may need to honour. */
  readonly settings: ServerSettings;
  /** Reads the plugin's own environment variables; bad values stop the server at start, naming the variable. */
  readonly env: EnvReader;
  /** JSON logger whose entries carry `plugin: <name>`. Never log passwords, tokens or keys. */
  readonly log: Logger;
  /** Where server-side telemetry events go (stored by the host). */
  readonly telemetry: TelemetrySink;
}

export interface ServerSettings {
  /** The data directory (SQLite file, keys, rooms, media). */
  readonly dataDir: string;
  /** Origins allowed to make cookie-authenticated writes besides the server's own. */
  readonly allowedOrigins: readonly string[];
  /** `auto`: Secure cookies when the request arrived over https. */
  readonly cookieSecure: 'auto' | 'always' | 'never';
  /** Whether X-Forwarded-For/-Proto from a reverse proxy are trusted. */
  readonly trustProxy: boolean;
  /** Largest request body, in bytes. */
  readonly bodyLimit: number;
  /** Upstream media hosts the media proxy may fetch from (`*.example.org` matches subdomains). */
  readonly mediaAllowedHosts: readonly string[];
}

export interface EnvReader {
  string(name: string, fallback: string): string;
  /** Optional value: undefined when unset or blank. */
  optional(name: string): string | undefined;
  int(name: string, fallback: number, min: number, max: number): number;
  choice<T extends string>(name: string, options: readonly T[], fallback: T): T;
  /** Comma-separated list, blanks dropped. */
  list(name: string, fallback: readonly string[]): string[];
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Roles in a room, strongest first. */
export type RoomRole = 'owner' | 'performer' | 'viewer';

export interface SignedInUser {
  id: string;
  /** The account's user name. */
  name: string;
  /** The sign-in session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

/** A visitor without an account, allowed to watch public rooms. */
export interface GuestVisitor {
  id: string;
  sessionId: string;
}

/**
 * `ctx.state`: the only way plugins share request data. Each field names the plugin that sets it;
 * a route reads what it needs and must treat a missing field as "not allowed".
 */
export interface RequestState {
  /** Host: the request id (also in the `X-Request-Id` answer header and the logs). */
  requestId: string;
  /** Host: the parsed JSON body of a write (undefined when there was none). Untrusted: validate it. */
  body?: unknown;
  /** Host: telemetry for this request, carrying the client's session id, browser and platform. */
  telemetry: Telemetry;
  /** Host: ties this request's events to the client's action (`X-Correlation-Id`, else the request id). */
  correlationId: string;
  /** auth: the signed-in account. */
  user?: SignedInUser;
  /** auth: a guest viewer session (never set together with `user`). */
  guest?: GuestVisitor;
  /** auth: whether the session `user`/`guest` came from is still active (for long-lived connections: sign-out ends them). */
  sessionActive?: () => boolean;
  /** auth: why a presented access token was not accepted (answer 401 with this code if the route needs a session). */
  authError?: 'token_expired' | 'token_invalid' | 'session_ended';
  /** rooms: the caller's role in a room (null: no access). */
  roomRole?: (roomId: string) => RoomRole | null;
  /** rooms: the library preset a room's own patch starts from (null: an empty patch). */
  roomStarter?: (roomId: string) => string | null;
  /** rooms: a room's members and their roles (empty when the room does not exist). Read live: call it when needed. */
  roomMembers?: (roomId: string) => RoomMember[];
  /**
   * sync: call after a room's members or roles changed (a join, a new role, a member removed), so
   * the room's live state — and the browsers in the room — follow at once instead of at the next join.
   */
  roomMembersChanged?: (roomId: string) => void;
  /** library: an item the caller may use (queue a media item, show a preset), or null when there is none by that id. */
  libraryItem?: (itemId: string) => LibraryItemRef | null;
  /** rooms: the room a `/api/rooms/:id…` route works on, and the caller's role in it. */
  room?: { id: string; role: RoomRole };
}

export interface RoomMember {
  userId: string;
  name: string;
  role: RoomRole;
}

export type LibraryItemRef =
  | { kind: 'media'; id: string; title: string; url: string; mime: string; /** Seconds, when known. */ duration: number | null }
  | { kind: 'preset'; id: string; title: string; presetKind: 'patch' | 'code'; /** The patch JSON or the code, as stored. */ body: string };

/**
 * An error a client caused (or may see): the host answers `{ error: { code, message } }` with this
 * status and headers. Anything else thrown becomes a 500 with a generic message; its stack is
 * logged, never sent.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The signed-in account, or a 401 telling the client why (no session, expired token → refresh…). */
export function requireUser(state: RequestState): SignedInUser {
  if (state.user) return state.user;
  throw unauthenticated(state, 'Sign in first.');
}

/** A signed-in account or a guest viewer session, or a 401. */
export function requireVisitor(state: RequestState): SignedInUser | GuestVisitor {
  const visitor = state.user ?? state.guest;
  if (visitor) return visitor;
  throw unauthenticated(state, 'Sign in, or start a guest session to watch a public room.');
}

function unauthenticated(state: RequestState, hint: string): HttpError {
  switch (state.authError) {
    case 'token_expired':
      return new HttpError(401, 'token_expired', 'The access token expired: refresh the session (POST /api/auth/refresh).');
    case 'token_invalid':
      return new HttpError(401, 'token_invalid', 'The access token is not valid. ' + hint);
    case 'session_ended':
      return new HttpError(401, 'session_ended', 'This session was signed out. ' + hint);
    default:
      return new HttpError(401, 'unauthenticated', hint);
  }
}
