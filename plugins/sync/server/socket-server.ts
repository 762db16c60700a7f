import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { cbor, type DocumentId, type Repo } from '@automerge/automerge-repo';
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger, RequestState } from '../../../runtime/plugin/server';
import { clientInfo, createTelemetry, type Telemetry, type TelemetrySink } from '../../../runtime/telemetry/events';
import { CLOSE_CODES, MAX_MESSAGE_BYTES, type CloseReason } from '../protocol';
import { echoAdds, loaded } from './echo-check';
import { checkMessage, isRecord } from './message-check';
import type { RoomDocs } from './room-docs';
import type { SyncSettings } from './settings';
import { fullBudget, spend, type SocketBudget } from './socket-budget';

/** One client socket and who it belongs to (from the handshake's session). */
interface Connection {
  id: string;
  ws: WebSocket;
  state: RequestState;
  principal: { kind: 'user' | 'guest'; id: string };
  peerId: string | null;
  /** Messages waiting, in order, while an earlier one waits (see #holdUntil). */
  held: Buffer[] | null;
  budget: SocketBudget;
  rooms: Set<string>;
  /** Documents this peer id had open on an earlier socket, until it speaks about them on this one. */
  resume: Set<string>;
  /** Messages whose changes were checked against the server's copy (see echo-check.ts). */
  echoChecks: number;
  closing: boolean;
  telemetry: Telemetry;
}

export interface SocketServerOptions {
  settings: SyncSettings;
  /** Which room a document belongs to (undefined: not a room document). */
  docOf(documentId: string): ReturnType<RoomDocs['ofDoc']>;
  log: Logger;
  telemetry: TelemetrySink;
  serverPeerId: string;
  /** Called before the repo sees the first message for a document (start journaling it). */
  beforeDocument(documentId: string): void;
  /** The first time a socket touches a room (refresh the members in its room state). */
  joinedRoom(roomId: string, state: RequestState): void;
}

/** How long the holder of a peer id has to answer a ping before a new socket may take the id over. */
const HOLDER_PROBE_MS = 1000;
const SESSION_SWEEP_MS = 15_000;
/** A socket must join this soon (automerge-repo 2.5.6 clients leave sockets open that never join). */
const JOIN_WITHIN_MS = 5_000;
/** How long a message waits for its document to load before the socket is closed (the client reconnects). */
const LOAD_WAIT_MS = 10_000;
/** How long the documents a peer had open are remembered after it left, for a reconnect to resume them. */
const OPENED_KEPT_MS = 10 * 60_000;

/**
 * automerge-repo's WebSocket server adapter with a gate in front of it. Every message from a client
 * is decoded and checked (see message-check.ts) before the repo sees it, and every message to a
 * client is checked against the client's role now; anything wrong closes the socket with a code
 * from protocol.ts. It also guards against automerge-repo 2.5.6's failure modes: sends on sockets
 * that are not open, undecodable messages, sockets without an error listener, unbounded per-peer
 * memory.
 */
export class SyncSocketServer extends NodeWSServerAdapter {
  readonly wss: WebSocketServer;
  readonly #conns = new Map<WebSocket, Connection>();
  readonly #byPeer = new Map<string, Connection>();
  readonly #byPrincipal = new Map<string, number>();
  /** Documents each peer id synced, kept a while after it left (see `resumes`). */
  readonly #opened = new Map<string, { docs: Set<string>; leftAt: number | null }>();
  readonly #options: SocketServerOptions;
  #repo: Repo | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: SocketServerOptions) {
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    super(wss as never, options.settings.keepaliveMs);
    this.wss = wss;
    this.#options = options;
  }

  /** The repo this adapter feeds (to forget per-peer metadata it would otherwise keep for ever). */
  attach(repo: Repo) {
    this.#repo = repo;
    this.#sweep = setInterval(() => this.#sweepSessions(), SESSION_SWEEP_MS).unref();
  }

  /** The repo listens for connections only once it read its storage id: wait for that before accepting sockets. */
  async listening(timeoutMs = 10_000) {
    const until = Date.now() + timeoutMs;
    while (this.wss.listenerCount('connection') === 0) {
      if (Date.now() > until) throw new Error('the sync repo did not start listening');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * The repo's `announce` policy: whether the server starts syncing a document with a peer that
   * just joined. True for the documents the same peer id had open before (a reconnect) and may still
   * read. That restarts the server's side of the sync from a fresh state: automerge-repo 2.5.6 keeps
   * a departed peer's sync state, and a client resuming with the same peer id then loops in sync
   * messages without receiving what it missed.
   */
  resumes(peerId: string, documentId: string | undefined): boolean {
    // Asked for every peer on every message (automerge-repo's share check): kept to a set lookup.
    // Whether the peer may still read the document is checked on each message sent to it.
    return documentId !== undefined && this.#byPeer.get(peerId)?.resume.has(documentId) === true;
  }

  get connectionCount() {
    return this.#conns.size;
  }

  /** Documents the connected peers have open (or are resuming after a reconnect). */
  openDocuments(): Set<string> {
    const open = new Set<string>();
    for (const conn of this.#conns.values()) {
      if (!conn.peerId) continue;
      for (const id of this.#opened.get(conn.peerId)?.docs ?? []) open.add(id);
      for (const id of conn.resume) open.add(id);
    }
    return open;
  }

  /** Takes over an authenticated handshake (the host already checked the Origin and ran the middleware). */
  upgrade(state: RequestState, req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {}); // ws emits protocol errors (e.g. over maxPayload: it closes with 1009) as 'error'
      const visitor = state.user ?? state.guest;
      if (!visitor) {
        ws.close(CLOSE_CODES.unauthenticated, state.authError ?? 'unauthenticated');
        return;
      }
      const principal = { kind: state.user ? ('user' as const) : ('guest' as const), id: visitor.id };
      const key = `${principal.kind}:${principal.id}`;
      const open = this.#byPrincipal.get(key) ?? 0;
      if (open >= this.#options.settings.socketsPerPrincipal) {
        ws.close(CLOSE_CODES.rate_limited, 'too many open sockets');
        return;
      }
      this.#byPrincipal.set(key, open + 1);
      const conn: Connection = {
        id: randomUUID(),
        ws,
        state,
        principal,
        peerId: null,
        held: null,
        budget: fullBudget(this.#options.settings),
        rooms: new Set(),
        resume: new Set(),
        echoChecks: 0,
        closing: false,
        telemetry: createTelemetry(this.#options.telemetry, { ...clientInfo(req.headers['user-agent'] ?? 'unknown'), ...(state.user ? { user_id: state.user.id } : {}) }),
      };
      this.#conns.set(ws, conn);
      const joinTimer = setTimeout(() => {
        if (conn.peerId === null && !conn.held) this.#close(conn, 'malformed', 'no join');
      }, JOIN_WITHIN_MS).unref();
      ws.on('close', (code) => {
        clearTimeout(joinTimer);
        this.#forget(conn, code, key);
      });
      this.wss.emit('connection', ws, req);
    });
  }

  /** Shutdown: every socket gets "going away" (1001) and a moment to close. */
  async closeAll(waitMs = 1000) {
    clearInterval(this.#sweep);
    const closed = [...this.#conns.values()].map(
      (conn) =>
        new Promise<void>((resolve) => {
          conn.ws.once('close', () => resolve());
          this.#close(conn, 'going_away', 'the server is shutting down');
        }),
    );
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, waitMs))]);
    for (const conn of this.#conns.values()) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  override receiveMessage(messageBytes: Uint8Array, socket: WebSocket): void {
    const conn = this.#conns.get(socket);
    if (!conn || conn.closing) return;
    try {
      this.#receive(conn, Buffer.from(messageBytes.buffer, messageBytes.byteOffset, messageBytes.byteLength));
    } catch (error) {
      // Whatever a client sends, the process stays up: this socket ends, the others carry on.
      this.#options.log.error('sync message failed', { peer_id: conn.peerId, error: (error as Error)?.stack ?? String(error) });
      this.#close(conn, 'malformed', 'the server could not handle a message');
    }
  }

  override send(message: Parameters<NodeWSServerAdapter['send']>[0]): void {
    const socket = this.sockets[message.targetId];
    // A peer whose socket is closing is gone: the repo learns it from the close event (2.5.6 throws here).
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const conn = this.#conns.get(socket);
    if (!conn || conn.closing) return;
    const documentId = 'documentId' in message && typeof message.documentId === 'string' ? message.documentId : undefined;
    if (documentId !== undefined) {
      // A role removed or lowered since the last message: stop sharing now, not when the client next speaks.
      const doc = this.#options.docOf(documentId);
      if (!doc || !this.#roleIn(conn, doc.roomId)) {
        this.#close(conn, 'forbidden', 'no longer allowed in this room');
        return;
      }
    }
    try {
      super.send(message);
    } catch (error) {
      this.#options.log.warn('sync send failed', { peer_id: conn.peerId, error: (error as Error)?.message ?? String(error) });
      this.#close(conn, 'going_away', 'send failed');
    }
  }

  #receive(conn: Connection, bytes: Buffer) {
    if (!spend(conn.budget, this.#options.settings, bytes.byteLength)) {
      this.#close(conn, 'rate_limited', 'too many messages');
      return;
    }
    this.#take(conn, bytes);
  }

  /** One message, in order: held while an earlier one waits (a join's probe, a document loading). */
  #take(conn: Connection, bytes: Buffer) {
    if (conn.held) {
      conn.held.push(bytes);
      return;
    }
    let message: unknown;
    try {
      message = cbor.decode(bytes);
    } catch {
      this.#close(conn, 'malformed', 'not CBOR');
      return;
    }
    const verdict = checkMessage(message, {
      principal: conn.principal,
      peerId: conn.peerId,
      serverPeerId: this.#options.serverPeerId,
      docOf: (id) => this.#options.docOf(id),
      roleIn: (roomId) => this.#roleIn(conn, roomId),
      adds: (documentId, changes) => echoAdds(this.#repo?.handles[documentId as DocumentId], changes, conn),
    });
    if (verdict.action === 'wait') {
      // Judged once the document is in memory; a load that never ends closes the socket (the client reconnects).
      this.#options.beforeDocument(verdict.documentId);
      const judged = loaded(this.#repo?.handles[verdict.documentId as DocumentId], LOAD_WAIT_MS).then((ready) => {
        if (!ready) this.#close(conn, 'going_away', 'the document did not load in time');
      });
      this.#holdUntil(conn, judged, [bytes]);
      return;
    }
    if (verdict.action === 'close') {
      if (verdict.security) {
        this.#options.log.warn('security', {
          event: 'sync_refused',
          reason: verdict.reason,
          why: verdict.why,
          peer_id: conn.peerId ?? (isRecord(message) ? String(message.senderId).slice(0, 100) : undefined),
          user_id: conn.state.user?.id,
          guest_id: conn.state.guest?.id,
          doc_id: isRecord(message) && typeof message.documentId === 'string' ? message.documentId.slice(0, 64) : undefined,
        });
      }
      this.#close(conn, verdict.reason, verdict.why);
      return;
    }
    if (verdict.action === 'ignore') return;
    const record = message as Record<string, unknown>;
    if (record.type === 'join') {
      this.#join(conn, record);
      return;
    }
    if (verdict.documentId && verdict.roomId) {
      this.#options.beforeDocument(verdict.documentId);
      this.#opened.get(conn.peerId!)?.docs.add(verdict.documentId);
      conn.resume.delete(verdict.documentId);
      if (!conn.rooms.has(verdict.roomId)) {
        conn.rooms.add(verdict.roomId);
        this.#options.joinedRoom(verdict.roomId, conn.state);
      }
    }
    super.receiveMessage(bytes, conn.ws);
  }

  /** Binds the peer id to this socket. Another open socket holding it keeps it, unless it no longer answers. */
  #join(conn: Connection, join: Record<string, unknown>) {
    const peerId = join.senderId as string;
    const holder = this.#byPeer.get(peerId);
    // The repo keeps no sync state for our clients (it would store files named by what clients claim).
    const bytes = Buffer.from(cbor.encode({ type: 'join', senderId: peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: join.supportedProtocolVersions }));
    const accept = () => {
      conn.peerId = peerId;
      this.#byPeer.set(peerId, conn);
      const opened = this.#opened.get(peerId);
      if (opened) {
        opened.leftAt = null;
        conn.resume = new Set(opened.docs);
      } else this.#opened.set(peerId, { docs: new Set(), leftAt: null });
      conn.telemetry.emit('socket_connect', peerId, { peer_id: peerId });
      super.receiveMessage(bytes, conn.ws);
    };
    if (!holder) return accept();
    // After a network drop the old socket may linger half-open: ask it; silence means it is gone.
    let answered = false;
    const onPong = () => (answered = true);
    holder.ws.once('pong', onPong);
    try {
      holder.ws.ping();
    } catch {
      // closed meanwhile: it will not answer
    }
    const probed = new Promise<void>((resolve) => setTimeout(resolve, HOLDER_PROBE_MS).unref()).then(() => {
      holder.ws.off('pong', onPong);
      if (conn.closing) return;
      const stillHeld = this.#byPeer.get(peerId) === holder && !holder.closing && holder.ws.readyState === WebSocket.OPEN;
      if (stillHeld && answered) {
        this.#options.log.warn('security', { event: 'peer_id_taken', peer_id: peerId, user_id: conn.state.user?.id, guest_id: conn.state.guest?.id });
        this.#close(conn, 'peer_taken', 'this peer id is connected on another socket');
        return;
      }
      if (stillHeld) holder.ws.terminate();
      this.#byPeer.delete(peerId);
      accept();
    });
    this.#holdUntil(conn, probed);
  }

  /**
   * This socket's messages wait, in order, until `decided` settles (a join's probe of the peer id's
   * holder, a document loading); then `first` and the waiting ones are taken, unless it closed the socket.
   */
  #holdUntil(conn: Connection, decided: Promise<void>, first: Buffer[] = []) {
    conn.held = [];
    void decided.then(() => {
      const held = conn.held ?? [];
      conn.held = null;
      for (const message of [...first, ...held]) if (!conn.closing) this.#take(conn, message);
    });
  }

  #roleIn(conn: Connection, roomId: string) {
    return conn.state.roomRole?.(roomId) ?? null;
  }

  #close(conn: Connection, reason: CloseReason, why: string) {
    if (conn.closing) return;
    conn.closing = true;
    conn.held = null;
    this.#options.log.debug('sync socket closed', { reason, why, peer_id: conn.peerId });
    try {
      conn.ws.close(CLOSE_CODES[reason], why.slice(0, 120));
    } catch {
      conn.ws.terminate();
    }
    // A client that never answers the close handshake is cut off.
    setTimeout(() => conn.ws.terminate(), 2000).unref();
  }

  #forget(conn: Connection, code: number, principalKey: string) {
    this.#conns.delete(conn.ws);
    const open = (this.#byPrincipal.get(principalKey) ?? 1) - 1;
    if (open > 0) this.#byPrincipal.set(principalKey, open);
    else this.#byPrincipal.delete(principalKey);
    if (conn.peerId && this.#byPeer.get(conn.peerId) === conn) {
      this.#byPeer.delete(conn.peerId);
      // automerge-repo keeps every peer's metadata for ever otherwise.
      if (this.#repo) delete this.#repo.peerMetadataByPeerId[conn.peerId as never];
      const opened = this.#opened.get(conn.peerId);
      if (opened) opened.leftAt = Date.now();
      conn.telemetry.emit('socket_disconnect', conn.peerId, { peer_id: conn.peerId, code });
    }
  }

  #sweepSessions() {
    const forgetBefore = Date.now() - OPENED_KEPT_MS;
    for (const [peerId, opened] of this.#opened) if (opened.leftAt !== null && opened.leftAt < forgetBefore) this.#opened.delete(peerId);
    for (const conn of this.#conns.values()) {
      if (conn.state.sessionActive && !conn.state.sessionActive()) this.#close(conn, 'unauthenticated', 'the session ended');
    }
  }
}
