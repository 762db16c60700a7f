import type { Database } from 'better-sqlite3';
import type { Middleware } from 'koa';
import { defineServerPlugin, type RequestState, type ServerPluginHost } from '../../runtime/plugin/server';
import { rooms } from './manifest';
import { roomsMigrations } from './server/migrations';
import { accessRole } from './server/roles';
import { roomRoutes } from './server/routes';
import { roomStore } from './server/store';

/**
 * Rooms and roles: `/api/rooms…`. Its middleware gives every later plugin `ctx.state.roomRole(id)`,
 * and `ctx.state.roomMembers(id)`, so a plugin (sync, queue, media) checks a caller's role without
 * knowing these tables.
 */
export default defineServerPlugin({
  manifest: rooms,
  migrations: roomsMigrations,
  setup(host: ServerPluginHost<Database>) {
    const store = roomStore(host.db);
    // A room to try things in on a fresh install: `/studio/demo` for anyone signed in, `/play/demo` for anyone.
    const demo = host.env.string('DEMO_ROOM', 'demo').trim();
    if (demo !== 'off') {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(demo)) throw new Error(`DEMO_ROOM must be a room id (letters, digits, _ and -, up to 64); got "${demo}".`);
      const starter = host.env.string('DEMO_ROOM_PRESET', 's_ember-weave').trim() || null;
      if (store.ensureOpenRoom(demo, 'Demo room', starter)) host.log.info('demo room created', { room: demo, starter });
    }
    const roleLookup: Middleware<RequestState> = (ctx, next) => {
      ctx.state.roomRole = (roomId: string) => {
        const room = store.room(roomId);
        return room ? accessRole(store, room, ctx.state) : null;
      };
      ctx.state.roomStarter = (roomId: string) => store.starterOf(roomId);
      ctx.state.roomMembers = (roomId: string) => store.members(roomId).map(({ userId, name, role }) => ({ userId, name, role }));
      return next();
    };
    return { middleware: [roleLookup], router: roomRoutes(store) };
  },
});
