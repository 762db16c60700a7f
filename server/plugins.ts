import auth from '../plugins/auth/server';
import library from '../plugins/library/server';
import mediaProxy from '../plugins/media-proxy/server';
import rooms from '../plugins/rooms/server';
import sync from '../plugins/sync/server';
import type { KoaServerPlugin } from './plugin-host';

/** The server's plugins, each after the plugins it requires (auth sets `ctx.state.user` for the rest). */
export const serverPlugins: readonly KoaServerPlugin[] = [auth, rooms, library, mediaProxy, sync];
