import { join } from 'node:path';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import type { Database } from 'better-sqlite3';
import type { Middleware } from 'koa';
import { defineServerPlugin, type RequestState, type ServerPluginHost, type UpgradeHandler } from '../../runtime/plugin/server';
import { sync } from './manifest';
import { SYNC_PATH } from './protocol';
import { docUnloader } from './server/doc-unloader';
import { docJournal } from './server/journal';
import { syncMigrations } from './server/migrations';
import { roomDocs } from './server/room-docs';
import { roomQueue } from './server/room-queue';
import { syncRoutes } from './server/routes';
import { readSyncSettings } from './server/settings';
import { SyncSocketServer } from './server/socket-server';
import { AtomicFSStorageAdapter } from './server/storage';

const SERVER_PEER_ID = 'patchroom-server';

/**
 * Rooms synced live (see protocol.ts): an automerge-repo Repo storing documents under
 * `<DATA_DIR>/sync/automerge`, a WebSocket at /sync whose every message is checked against the
 * sender's session and room role, and `/api/sync` for room documents and queue commands.
 */
export default defineServerPlugin({
  manifest: sync,
  migrations: syncMigrations,
  setup(host: ServerPluginHost<Database>) {
    const settings = readSyncSettings(host.env);
    let roomsTouched: ((roomId: string, members: Parameters<typeof queue.refreshMembers>[1]) => void) | undefined;
    const sockets = new SyncSocketServer({
      settings,
      // Called only once sockets exist, after everything below is set up.
      docOf: (id) => docs.ofDoc(id),
      log: host.log,
      telemetry: host.telemetry,
      serverPeerId: SERVER_PEER_ID,
      beforeDocument: (id) => journal.track(id),
      joinedRoom: (roomId, state) => roomsTouched?.(roomId, state.roomMembers?.(roomId) ?? []),
    });
    const storage = new AtomicFSStorageAdapter(join(host.ensureDataDir(), 'automerge'));
    storage.onError = (error) => host.log.error('document storage failed', { error: (error as Error)?.message ?? String(error) });
    const repo = new Repo({
      network: [sockets],
      storage,
      peerId: SERVER_PEER_ID as PeerId,
      // The server offers a document only to a peer resuming it after a reconnect; otherwise it
      // answers requests it allows (the socket gate checks every message first).
      shareConfig: {
        announce: async (peerId, documentId) => sockets.resumes(peerId, documentId),
        access: async (peerId, documentId) => documentId !== undefined && docs.ofDoc(documentId) !== undefined && peerId !== SERVER_PEER_ID,
      },
    });
    sockets.attach(repo);
    const unloader = docUnloader({
      repo,
      settle: (ids) => journal.settle(ids),
      openDocuments: () => sockets.openDocuments(),
      pending: (id) => {
        const room = docs.ofDoc(id);
        return room !== undefined && queue.mirroring(room.roomId);
      },
      idleMs: settings.unloadIdleMs,
      log: host.log,
    });
    const journal = docJournal(host.db, repo, storage, host.log, (id) => unloader.touch(id));
    const docs = roomDocs(host.db, repo, journal);
    const queue = roomQueue(host.db, docs, journal, host.log);
    roomsTouched = (roomId, members) => {
      queue.refreshMembers(roomId, members).catch((error: unknown) => host.log.warn('members not refreshed', { room_id: roomId, error: (error as Error)?.message ?? String(error) }));
    };
    // A room whose documents exist (someone opened it live) lists its members anew when they change.
    const membersChanged: Middleware<RequestState> = (ctx, next) => {
      ctx.state.roomMembersChanged = (roomId) => {
        if (docs.ofRoom(roomId)) roomsTouched?.(roomId, ctx.state.roomMembers?.(roomId) ?? []);
      };
      return next();
    };
    let compactTimer: NodeJS.Timeout | undefined;
    const compact = () =>
      journal.compact().catch((error: unknown) => host.log.error('journal compaction failed', { error: (error as Error)?.stack ?? String(error) }));
    let unloadTimer: NodeJS.Timeout | undefined;
    let sweeping: Promise<unknown> | undefined;
    const sweep = () => {
      sweeping ??= unloader
        .sweep()
        .catch((error: unknown) => host.log.error('unloading idle documents failed', { error: (error as Error)?.stack ?? String(error) }))
        .finally(() => (sweeping = undefined));
    };

    return {
      router: syncRoutes({ docs, queue }),
      middleware: [membersChanged],
      upgrade: {
        path: SYNC_PATH,
        handle: (state, req, socket, head) => sockets.upgrade(state, req, socket, head),
        closeAll: () => sockets.closeAll(),
      } satisfies UpgradeHandler<Parameters<SyncSocketServer['upgrade']>[1], Parameters<SyncSocketServer['upgrade']>[2], Buffer>,
      async start() {
        await sockets.listening();
        const replayed = await journal.replay();
        // Rooms whose documents missed changes get their queue re-checked against SQLite now.
        for (const ids of docs.rooms()) if (replayed.includes(ids.stateDocId)) await queue.stateHandle(ids.roomId);
        compactTimer = setInterval(compact, settings.compactMs).unref();
        unloadTimer = setInterval(sweep, Math.min(60_000, Math.max(250, settings.unloadIdleMs / 2))).unref();
      },
      async stop() {
        clearInterval(compactTimer);
        clearInterval(unloadTimer);
        await sweeping;
        await sockets.closeAll(0);
        queue.flush();
        await compact();
        await repo.shutdown();
      },
    };
  },
});
