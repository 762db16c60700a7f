import { createStore } from 'zustand/vanilla';
import { parsePeerId, type EphemeralMessage } from '../protocol';

export type Role = 'owner' | 'performer' | 'viewer';

export interface PeerPresence {
  peerId: string;
  /** The account (or guest) behind the peer id, as the server bound it. */
  principal: string;
  name: string;
  role: Role;
  editing: string[];
  /** Our clock, when we last heard from them. */
  seen: number;
}

/** What presence needs from a document handle (automerge-repo's DocHandle fits). */
export interface EphemeralChannel {
  broadcast(message: unknown): void;
  on(event: 'ephemeral-message', listener: (payload: { senderId: string; message: unknown }) => void): unknown;
  off(event: 'ephemeral-message', listener: (payload: { senderId: string; message: unknown }) => void): unknown;
}

export interface PresenceOptions {
  self: { peerId: string; name: string; role: Role };
  now?: () => number;
  /** How often we say we are still here. */
  heartbeatMs?: number;
  /** Someone not heard from for this long has left. */
  expireMs?: number;
  onEvaluate?(senderId: string): void;
}

const MAX_EDITING = 64;

/**
 * Who else is in the room and what they are editing, from ephemeral messages on the patch document
 * (never stored). Everyone repeats their presence every few seconds; silence means gone.
 */
export function createPresence(channel: EphemeralChannel, options: PresenceOptions) {
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 4000;
  const expireMs = options.expireMs ?? heartbeatMs * 3;
  const store = createStore<{ peers: Record<string, PeerPresence> }>(() => ({ peers: {} }));
  let editing: string[] = [];
  let self = options.self;

  const announce = () => {
    const message: EphemeralMessage = { kind: 'presence', name: self.name, role: self.role, editing, at: now() };
    try {
      channel.broadcast(message);
    } catch {
      // not connected: the next heartbeat tries again
    }
  };

  const onMessage = ({ senderId, message }: { senderId: string; message: unknown }) => {
    if (senderId === self.peerId) return;
    const principal = parsePeerId(senderId);
    const m = message as Partial<EphemeralMessage> | null;
    if (!principal || !m || typeof m !== 'object') return;
    if (m.kind === 'evaluate') {
      options.onEvaluate?.(senderId);
      return;
    }
    if (m.kind !== 'presence' || typeof m.name !== 'string' || !['owner', 'performer', 'viewer'].includes(m.role as string)) return;
    const ids = Array.isArray(m.editing) ? m.editing.filter((id): id is string => typeof id === 'string' && id.length <= 64).slice(0, MAX_EDITING) : [];
    const known = store.getState().peers[senderId];
    const fresh: PeerPresence = { peerId: senderId, principal: `${principal.kind}:${principal.id}`, name: m.name.slice(0, 64), role: m.role as Role, editing: ids, seen: now() };
    if (!known) announce(); // a newcomer learns about us without waiting for the heartbeat
    store.setState({ peers: { ...store.getState().peers, [senderId]: fresh } });
  };
  channel.on('ephemeral-message', onMessage);

  const expire = () => {
    const peers = store.getState().peers;
    const alive = Object.fromEntries(Object.entries(peers).filter(([, p]) => now() - p.seen < expireMs));
    if (Object.keys(alive).length !== Object.keys(peers).length) store.setState({ peers: alive });
  };
  const timer = setInterval(() => {
    expire();
    announce();
  }, heartbeatMs);
  announce();

  return {
    ...store,
    /** The nodes this performer has selected or is editing. */
    setEditing(ids: readonly string[]) {
      const next = ids.slice(0, MAX_EDITING);
      if (next.length === editing.length && next.every((id, i) => id === editing[i])) return;
      editing = next;
      announce();
    },
    setSelf(next: Partial<PresenceOptions['self']>) {
      self = { ...self, ...next };
      announce();
    },
    announce,
    /** Asks the others' previews to evaluate now (Ctrl+Enter shared). */
    evaluate() {
      try {
        channel.broadcast({ kind: 'evaluate', at: now() } satisfies EphemeralMessage);
      } catch {
        // not connected
      }
    },
    /** Forget everyone (disconnected: we cannot know who is still there). */
    clear() {
      store.setState({ peers: {} });
    },
    close() {
      clearInterval(timer);
      channel.off('ephemeral-message', onMessage);
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
