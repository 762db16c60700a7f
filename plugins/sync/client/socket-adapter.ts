import { NetworkAdapter, cbor, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo/slim';
import { CLOSE_CODES, type CloseReason } from '../protocol';
import { backoffDelay, type BackoffPolicy } from './backoff';

/** The parts of a WebSocket this adapter uses (the browser's, or `ws` in Node tests). */
export interface SocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'message' | 'error', listener: (event: any) => void): void;
}

export type SocketFactory = (url: string) => SocketLike;

export type SocketPhase =
  /** First attempt under way. */
  | { phase: 'connecting'; attempt: number }
  /** The server answered our join: documents sync. */
  | { phase: 'connected'; since: number }
  /** Lost; the next attempt is scheduled. */
  | { phase: 'reconnecting'; attempt: number; nextRetryAt: number; code?: number }
  /** The browser says it is offline: waiting for it to come back. */
  | { phase: 'offline' }
  /** The server refused us for a reason retrying will not fix; waiting for `resume()`. */
  | { phase: 'stopped'; reason: CloseReason; code: number };

const OPEN = 1;
const STOP_CODES = new Map<number, CloseReason>([
  [CLOSE_CODES.unauthenticated, 'unauthenticated'],
  [CLOSE_CODES.forbidden, 'forbidden'],
  [CLOSE_CODES.peer_taken, 'peer_taken'],
]);

export interface SocketAdapterOptions {
  url: string;
  createSocket?: SocketFactory;
  backoff?: BackoffPolicy;
  onPhase?(phase: SocketPhase): void;
  /** Every sync message that arrives, by document: how the connection tells a resync has happened. */
  onSyncMessage?(documentId: string): void;
  /**
   * Work to finish before a reconnect opens its socket (not the first connect): the outbox's
   * resend, whose answer carries the room state. When fifty clients come back at once, each is
   * reconciled by one request before the sockets' joins and syncs compete for the server. Waited
   * for at most `reconnectGateMs` (default 2 s); undefined: nothing to wait for.
   */
  beforeReconnect?(): Promise<unknown> | undefined;
  reconnectGateMs?: number;
  now?: () => number;
}

/**
 * automerge-repo's network adapter for one server over a WebSocket, written here instead of using
 * BrowserWebSocketClientAdapter (2.5.6) because that one retries every 5 s forever with no backoff,
 * throws when the repo sends while the socket is down, never says why a socket closed, and leaks
 * its retry timers. This one: exponential backoff with jitter; stops on the close codes that say
 * "not you" (unauthenticated, forbidden, peer id taken) until `resume()`; waits for the browser's
 * `online` event while offline; drops sends while disconnected (the repo syncs from scratch when
 * the peer comes back, so nothing is lost).
 */
export class RoomSocketAdapter extends NetworkAdapter {
  #options: SocketAdapterOptions;
  #socket: SocketLike | undefined;
  #remotePeerId: PeerId | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #ready = false;
  #readyResolve: (() => void) | undefined;
  #readyPromise = new Promise<void>((resolve) => (this.#readyResolve = resolve));
  #phase: SocketPhase = { phase: 'connecting', attempt: 1 };
  #connectedOnce = false;
  /** A reconnect waiting for `beforeReconnect`. */
  #gate: Promise<void> | undefined;

  constructor(options: SocketAdapterOptions) {
    super();
    this.#options = options;
  }

  get phase(): SocketPhase {
    return this.#phase;
  }

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#readyPromise;
  }

  #markReady() {
    if (this.#ready) return;
    this.#ready = true;
    this.#readyResolve?.();
  }

  #setPhase(phase: SocketPhase) {
    this.#phase = phase;
    this.#options.onPhase?.(phase);
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? {};
    this.#closed = false;
    // Without a server the repo must still load what storage holds: don't keep it waiting.
    setTimeout(() => this.#markReady(), 1000);
    globalThis.addEventListener?.('online', this.#onOnline);
    globalThis.addEventListener?.('offline', this.#onOffline);
    this.#open();
  }

  #isOffline(): boolean {
    return globalThis.navigator?.onLine === false;
  }

  #open() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#gate) return;
    if (this.#isOffline()) {
      this.#setPhase({ phase: 'offline' });
      return;
    }
    const work = this.#connectedOnce ? this.#options.beforeReconnect?.() : undefined;
    if (work) {
      if (this.#phase.phase === 'offline') this.#setPhase({ phase: 'connecting', attempt: this.#attempt + 1 });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.reconnectGateMs ?? 2000)));
      const gate = Promise.race([work.then(() => undefined, () => undefined), waited]).then(() => {
        clearTimeout(timer);
        if (this.#gate !== gate) return;
        this.#gate = undefined;
        if (!this.#socket) this.#openSocket();
      });
      this.#gate = gate;
      return;
    }
    this.#openSocket();
  }

  #openSocket() {
    if (this.#closed) return;
    if (this.#isOffline()) {
      this.#setPhase({ phase: 'offline' });
      return;
    }
    this.#attempt += 1;
    if (this.#phase.phase !== 'reconnecting') this.#setPhase({ phase: 'connecting', attempt: this.#attempt });
    let socket: SocketLike;
    try {
      socket = (this.#options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike))(this.#options.url);
    } catch {
      this.#scheduleRetry(undefined);
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (this.#socket !== socket) return;
      this.#sendRaw(socket, { type: 'join', senderId: this.peerId, peerMetadata: this.peerMetadata, supportedProtocolVersions: ['1'] });
    });
    socket.addEventListener('message', (event: { data: ArrayBuffer }) => {
      if (this.#socket === socket) this.#receive(event.data);
    });
    socket.addEventListener('close', (event: { code?: number }) => {
      if (this.#socket === socket) this.#lost(event.code);
    });
    socket.addEventListener('error', () => {
      // The browser tells scripts nothing about socket errors; a close event follows.
    });
  }

  #receive(data: ArrayBuffer) {
    let message: any;
    try {
      message = cbor.decode(new Uint8Array(data));
    } catch {
      return; // not ours to crash over; the server is the one that must be strict
    }
    if (message?.type === 'peer') {
      this.#attempt = 0;
      this.#connectedOnce = true;
      this.#remotePeerId = message.senderId as PeerId;
      this.#markReady();
      this.#setPhase({ phase: 'connected', since: (this.#options.now ?? Date.now)() });
      this.emit('peer-candidate', { peerId: message.senderId, peerMetadata: message.peerMetadata ?? {} });
      return;
    }
    if (message?.type === 'error') return;
    if (message?.type === 'sync' && typeof message.documentId === 'string') this.#options.onSyncMessage?.(message.documentId);
    this.emit('message', message as Message);
  }

  #lost(code: number | undefined) {
    this.#socket = undefined;
    if (this.#remotePeerId) {
      const peerId = this.#remotePeerId;
      this.#remotePeerId = undefined;
      this.emit('peer-disconnected', { peerId });
    }
    if (this.#closed) return;
    const stop = code !== undefined ? STOP_CODES.get(code) : undefined;
    if (stop) {
      this.#setPhase({ phase: 'stopped', reason: stop, code: code! });
      return;
    }
    this.#scheduleRetry(code);
  }

  #scheduleRetry(code: number | undefined) {
    if (this.#isOffline()) {
      this.#setPhase({ phase: 'offline' });
      return;
    }
    const delay = backoffDelay(Math.max(1, this.#attempt), this.#options.backoff);
    const nextRetryAt = (this.#options.now ?? Date.now)() + delay;
    this.#setPhase({ phase: 'reconnecting', attempt: this.#attempt + 1, nextRetryAt, ...(code !== undefined ? { code } : {}) });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  #onOnline = () => {
    if (this.#closed || this.#phase.phase === 'stopped') return;
    if (this.#socket || this.#gate) return;
    this.#attempt = 0;
    this.#open();
  };

  #onOffline = () => {
    // Sockets can linger half-open after the network goes: drop ours now, reconnect when it is back.
    clearTimeout(this.#timer);
    this.#gate = undefined;
    this.#timer = undefined;
    const socket = this.#socket;
    if (socket) {
      this.#socket = undefined;
      try {
        socket.close(1000, 'offline');
      } catch {
        // already closing
      }
      this.#lost(undefined);
    }
    if (!this.#closed && this.#phase.phase !== 'stopped') this.#setPhase({ phase: 'offline' });
  };

  /** Try again now (after signing in again, a role change, or a user's "retry"). */
  resume() {
    if (this.#closed || this.#socket) return;
    this.#attempt = 0;
    this.#open();
  }

  /** Close the current socket and reconnect (tests, and "reconnect now" after a refresh). */
  reconnectNow() {
    const socket = this.#socket;
    if (socket) {
      this.#socket = undefined;
      try {
        socket.close(1000, 'reconnect');
      } catch {
        // already closing
      }
      this.#lost(undefined);
    }
    this.resume();
  }

  send(message: Message): void {
    const socket = this.#socket;
    // Down: drop it. automerge-repo resyncs every document from scratch when the peer comes back.
    if (!socket || socket.readyState !== OPEN || !this.#remotePeerId) return;
    // automerge-repo relays ephemeral messages it receives (another performer's presence) to its
    // other peers, with the original sender's id: the server relays them itself, and closes a
    // socket that sends under someone else's name. Only our own messages go out.
    if (message.senderId !== this.peerId) return;
    this.#sendRaw(socket, message);
  }

  #sendRaw(socket: SocketLike, message: unknown) {
    if (socket.readyState !== OPEN) return;
    const encoded = cbor.encode(message);
    try {
      socket.send(encoded.buffer.slice(encoded.byteOffset, encoded.byteOffset + encoded.byteLength) as ArrayBuffer);
    } catch {
      // closing under us: the close event takes it from here
    }
  }

  disconnect(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#gate = undefined;
    globalThis.removeEventListener?.('online', this.#onOnline);
    globalThis.removeEventListener?.('offline', this.#onOffline);
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close(1000, 'bye');
    } catch {
      // already closed
    }
    if (this.#remotePeerId) {
      const peerId = this.#remotePeerId;
      this.#remotePeerId = undefined;
      this.emit('peer-disconnected', { peerId });
    }
    this.emit('close');
  }
}
