import type { Database } from 'better-sqlite3';
import { defineServerPlugin, type ServerPluginHost } from '../../runtime/plugin/server';
import { auth } from './manifest';
import { authCookies } from './server/cookies';
import { csrfGuard } from './server/csrf';
import { authMigrations } from './server/migrations';
import { authRoutes } from './server/routes';
import { sessionReader } from './server/session-reader';
import { sessionStore } from './server/sessions';
import { readAuthSettings } from './server/settings';
import { keysFromEnv, keysFromFile } from './server/signing-keys';
import { userStore } from './server/users';

const HOUR = 3_600_000;

/**
 * Accounts and sessions: `/api/auth/register|login|logout|refresh|session|guest`. Its middleware
 * (first in the server's chain) refuses cross-site writes and sets `ctx.state.user` / `ctx.state.guest`
 * from the access-token cookie for every plugin after it.
 */
export default defineServerPlugin({
  manifest: auth,
  migrations: authMigrations,
  setup(host: ServerPluginHost<Database>) {
    const settings = readAuthSettings(host.env);
    const fileKeys = settings.signingKeys ? undefined : keysFromFile(host.ensureDataDir(), settings.keyRotationDays, host.log);
    const keys = fileKeys ?? keysFromEnv(settings.signingKeys!);
    const sessions = sessionStore(host.db, settings.refreshTtl * 1000, settings.reuseGraceMs, settings.sessionMaxAge * 1000);
    const router = authRoutes({ settings, keys, sessions, users: userStore(host.db), cookies: authCookies(host.settings) });
    const housekeeping = () => {
      fileKeys?.rotate();
      const purged = sessions.purge();
      if (purged.tokens || purged.sessions) host.log.info('expired sessions purged', purged);
    };
    let timer: NodeJS.Timeout | undefined;
    return {
      middleware: [csrfGuard(host.settings.allowedOrigins), sessionReader(keys, sessions)],
      router,
      start() {
        housekeeping();
        timer = setInterval(housekeeping, HOUR).unref();
      },
      stop() {
        clearInterval(timer);
      },
    };
  },
});
