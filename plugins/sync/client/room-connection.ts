import { Repo, type DocHandle, type DocumentId, type PeerId, type StorageAdapterInterface } from '@automerge/automerge-repo/slim';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Telemetry } from '../../../runtime/telemetry/events';
import { COMMANDS_PATH, ROOM_DOCUMENTS_PATH, SYNC_PATH, peerIdFor, type CloseReason, type CommandRejection, type CommandsRequest, type CommandsResponse, type PatchDoc, type QueueCommand, type RoomDocuments, type RoomStateDoc } from '../protocol';
import { backoffDelay } from './backoff';
import { createOutbox, type NewCommand, type Outbox, type SendFailure } from './outbox';
import type { OutboxStorage } from './outbox-storage';
import { createPresence, type Presence, type Role } from './presence';
import { RoomSocketAdapter, type SocketFactory, type SocketPhase } from './socket-adapter';
import { applyStateDelta, stateHeads } from './state-delta';

/** The HTTP calls the connection makes (the studio's ApiClient fits; so does a small fetch wrapper). */
export interface SyncHttp {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** Renew the session after the socket was closed as unauthenticated. */
  refresh?(): Promise<string>;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Reconnect attempt number while reconnecting. */
  attempt: number;
  /** ms since the epoch of the next attempt, while reconnecting. */
  nextRetryAt: number | undefined;
  /** Why we stopped trying, when the server refused us. */
  stopped: CloseReason | undefined;
  /** Queue commands not answered by the server yet. */
  pending: number;
  role: Role | undefined;
  /** Both documents are loaded (from storage or the server). */
  ready: boolean;
  /** The room could not be opened at all (not found, no access): the message to show. */
  error: string | undefined;
}

export interface RoomConnectionOptions {
  roomId: string;
  http: SyncHttp;
  principal: { kind: 'user' | 'guest'; id: string; name: string };
  telemetry: Telemetry;
  outboxStorage: OutboxStorage;
  /** IndexedDB in the browser: the room opens offline with what this browser saw last. */
  storage?: StorageAdapterInterface;
  /** ws(s)://host/sync; defaults to this page's origin. */
  url?: string;
  createSocket?: SocketFactory;
  onRejected?(command: QueueCommand, code: CommandRejection, message: string): void;
  onBlocked?(failure: SendFailure): void;
  /** A random part for the peer id (tests pin it). */
  peerRandom?: string;
  /** Announce ourselves to the room (performers); the audience's players stay silent. */
  announce?: boolean;
}

export interface RoomConnection {
  roomId: string;
  peerId: string;
  status: StoreApi<ConnectionStatus>;
  outbox: Outbox;
  /** Resolves once the room's documents are loaded. */
  ready: Promise<{ patch: DocHandle<PatchDoc>; state: DocHandle<RoomStateDoc>; presence: Presence | undefined; role: Role }>;
  send(command: NewCommand): Promise<string>;
  /** Try again now, after a sign-in or a role change. */
  retry(): void;
  close(): Promise<void>;
}

const randomPart = () => globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 12);

/**
 * One room, live: its two documents over automerge-repo (our reconnecting socket adapter, the
 * browser's IndexedDB), the queue command outbox, presence, a status store, and the socket and
 * queue telemetry. Browser entry (no React): the studio and the player both use it.
 */
export function connectRoom(options: RoomConnectionOptions): RoomConnection {
  const { roomId, http, telemetry, principal } = options;
  const peerId = peerIdFor(principal, options.peerRandom ?? randomPart());
  const status = createStore<ConnectionStatus>(() => ({
    state: 'connecting',
    attempt: 1,
    nextRetryAt: undefined,
    stopped: undefined,
    pending: 0,
    role: undefined,
    ready: false,
    error: undefined,
  }));
  let closed = false;
  const socketSession = telemetry.newCorrelationId();
  let disconnectedAt: number | undefined;
  let everConnected = false;
  let resyncWaiting: { since: number; docs: Set<string> } | undefined;
  let docIds: string[] = [];

  /** The room-state document once loaded: its heads go with a command request, and the answer's changes into it. */
  let stateDoc: DocHandle<RoomStateDoc> | undefined;
  const outbox = createOutbox({
    roomId,
    storage: options.outboxStorage,
    telemetry,
    send: async (commands) => {
      // Only while the socket is down (the reconnect's resend): a connected socket's sync brings
      // the results anyway, and changes taken from answers meanwhile would be offered back to the
      // server by that sync, which the server has to check.
      const handle = status.getState().state === 'connected' ? undefined : stateDoc;
      const heads = stateHeads(handle);
      const request: CommandsRequest = { commands, ...(heads ? { stateHeads: heads } : {}) };
      const answer = await http.post<CommandsResponse>(COMMANDS_PATH(roomId), request);
      if (handle && typeof answer?.state === 'string') applyStateDelta(handle, answer.state);
      return answer;
    },
    ...(options.onRejected ? { onRejected: options.onRejected } : {}),
    ...(options.onBlocked ? { onBlocked: options.onBlocked } : {}),
  });
  outbox.subscribe((s) => status.setState({ pending: s.pending.length }));
  void outbox.load().catch(() => undefined);

  const onPhase = (phase: SocketPhase) => {
    const now = Date.now();
    switch (phase.phase) {
      case 'connected': {
        status.setState({ state: 'connected', attempt: 0, nextRetryAt: undefined, stopped: undefined });
        if (!everConnected) telemetry.emit('socket_connect', socketSession, { peer_id: peerId });
        else {
          telemetry.emit('socket_reconnect', socketSession, { peer_id: peerId, down_ms: disconnectedAt ? now - disconnectedAt : undefined });
          resyncWaiting = { since: now, docs: new Set(docIds) };
        }
        everConnected = true;
        disconnectedAt = undefined;
        outbox.setOnline(true);
        break;
      }
      case 'connecting':
        status.setState({ state: 'connecting', attempt: phase.attempt });
        break;
      case 'reconnecting':
      case 'offline':
      case 'stopped': {
        const was = status.getState().state;
        if (was === 'connected') {
          disconnectedAt = now;
          telemetry.emit('socket_disconnect', socketSession, { peer_id: peerId, code: 'code' in phase ? phase.code : undefined, reason: phase.phase });
          presence?.clear();
        }
        if (phase.phase === 'reconnecting') status.setState({ state: 'reconnecting', attempt: phase.attempt, nextRetryAt: phase.nextRetryAt, stopped: undefined });
        else if (phase.phase === 'offline') status.setState({ state: 'offline', nextRetryAt: undefined, stopped: undefined });
        else {
          status.setState({ state: 'offline', nextRetryAt: undefined, stopped: phase.reason });
          if (phase.reason === 'unauthenticated' && http.refresh) {
            // Access token expired under the socket: renew it once, then try again.
            void http.refresh().then((outcome) => {
              if (!closed && (outcome === 'refreshed' || outcome === 'refreshed-elsewhere')) adapter.resume();
            }, () => undefined);
          }
        }
        // Waiting out a backoff, not resending into a dead network: the commands go when the
        // network is back, just before the socket rejoins (beforeReconnect) or once it has.
        outbox.setOnline(false);
        break;
      }
    }
  };

  const onSyncMessage = (documentId: string) => {
    if (!resyncWaiting) return;
    resyncWaiting.docs.delete(documentId);
    if (resyncWaiting.docs.size === 0) {
      telemetry.emit('socket_resync', socketSession, { peer_id: peerId, duration_ms: Date.now() - resyncWaiting.since });
      resyncWaiting = undefined;
    }
  };

  const url = options.url ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SYNC_PATH}`;
  const adapter = new RoomSocketAdapter({
    url,
    onPhase,
    onSyncMessage,
    // Back online with commands waiting: resend them first; the answer brings the room state with
    // their results (the reconcile), then the socket rejoins for live sync.
    beforeReconnect: () => {
      const { pending, blocked } = outbox.getState();
      if (pending.length === 0 || blocked || !stateDoc) return undefined;
      outbox.setOnline(true);
      return outbox.flush();
    },
    ...(options.createSocket ? { createSocket: options.createSocket } : {}),
  });
  let repo: Repo | undefined;
  let presence: Presence | undefined;

  /** Where the room's documents are; retried with backoff while the server cannot be reached. */
  async function locate(): Promise<RoomDocuments> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await http.get<RoomDocuments>(ROOM_DOCUMENTS_PATH(roomId));
      } catch (error) {
        const failure = error as SendFailure;
        if (failure?.status && failure.status >= 400 && failure.status < 500 && failure.status !== 408 && failure.status !== 429) throw error;
        if (closed) throw error;
        const delay = backoffDelay(attempt);
        status.setState({ state: 'reconnecting', attempt: attempt + 1, nextRetryAt: Date.now() + delay });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async function findDoc<T>(id: string): Promise<DocHandle<T>> {
    // Unavailable while offline with nothing stored: wait for the server and ask again.
    for (;;) {
      if (closed) throw new Error('closed');
      try {
        return await repo!.find<T>(id as DocumentId);
      } catch (error) {
        if (closed) throw error;
        await new Promise<void>((resolve) => {
          const unsubscribe = status.subscribe((s) => {
            if (s.state === 'connected') {
              unsubscribe();
              setTimeout(resolve, 50);
            }
          });
          setTimeout(() => {
            unsubscribe();
            resolve();
          }, 5000);
        });
      }
    }
  }

  const ready = (async () => {
    let docs: RoomDocuments;
    try {
      docs = await locate();
    } catch (error) {
      const message = (error as { message?: string })?.message ?? 'The room could not be opened.';
      status.setState({ state: 'offline', error: message });
      throw error;
    }
    status.setState({ role: docs.role });
    docIds = [docs.patchDocId, docs.stateDocId];
    repo = new Repo({
      network: [adapter],
      ...(options.storage ? { storage: options.storage } : {}),
      peerId: peerId as PeerId,
      // Only this room's documents, and only because we ask for them: nothing else is announced.
      sharePolicy: async (_peer, documentId) => documentId !== undefined && docIds.includes(documentId),
    });
    const [patch, state] = await Promise.all([findDoc<PatchDoc>(docs.patchDocId), findDoc<RoomStateDoc>(docs.stateDocId)]);
    stateDoc = state;
    const noteSeq = () => {
      const seq = state.doc()?.seq;
      if (typeof seq === 'number') outbox.noteSeq(seq);
    };
    state.on('change', noteSeq);
    noteSeq();
    if (options.announce !== false) presence = createPresence(patch as never, { self: { peerId, name: principal.name, role: docs.role } });
    status.setState({ ready: true });
    return { patch, state, presence, role: docs.role };
  })();
  ready.catch(() => undefined);

  return {
    roomId,
    peerId,
    status,
    outbox,
    ready,
    send: (command) => outbox.enqueue(command),
    retry() {
      outbox.unblock();
      adapter.resume();
    },
    async close() {
      closed = true;
      outbox.close();
      presence?.close();
      await repo?.shutdown().catch(() => undefined);
      if (!repo) adapter.disconnect();
    },
  };
}
