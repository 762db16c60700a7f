import { next as A } from '@automerge/automerge';
import { cbor } from '@automerge/automerge-repo';
import type { RoomRole } from '../../../runtime/plugin/server';
import { parsePeerId, type CloseReason } from '../protocol';
import type { DocKind } from './room-docs';

/** What to do with one message from a client. */
export type Verdict =
  | { action: 'pass'; documentId?: string; roomId?: string }
  /** Not a sync message and of no use to the server (remote-heads gossip is off): leave it. */
  | { action: 'ignore' }
  | { action: 'close'; reason: CloseReason; why: string; security?: boolean }
  /** Judged once the document has loaded (hold this message and the ones after it, then check again). */
  | { action: 'wait'; documentId: string };

export interface CheckContext {
  principal: { kind: 'user' | 'guest'; id: string };
  /** The peer id this socket joined with, or null before its join. */
  peerId: string | null;
  serverPeerId: string;
  docOf(documentId: string): { roomId: string; kind: DocKind } | undefined;
  /** The caller's role in a room now (a role change or removal takes effect on the next message). */
  roleIn(roomId: string): RoomRole | null;
  /**
   * Whether these changes (a sync message's) would add anything to the server's copy of the
   * document: false when it already holds them all; undefined while it is still loading.
   */
  adds(documentId: string, changes: Uint8Array[]): boolean | undefined;
}

const MAX_EPHEMERAL_BYTES = 64 * 1024;
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

const close = (reason: CloseReason, why: string, security = false): Verdict => ({ action: 'close', reason, why, ...(security ? { security } : {}) });

/**
 * Checks one decoded automerge-repo message from a client against who the socket belongs to. Every
 * refusal closes the socket: dropping a single sync message would leave the two sides' sync states
 * disagreeing, and the peers would loop (automerge-repo #412).
 */
export function checkMessage(message: unknown, ctx: CheckContext): Verdict {
  if (!isRecord(message) || typeof message.type !== 'string' || typeof message.senderId !== 'string') return close('malformed', 'not a sync protocol message');
  if (message.type === 'join') {
    if (ctx.peerId !== null) return close('malformed', 'joined twice');
    const peer = parsePeerId(message.senderId);
    if (!peer || peer.kind !== ctx.principal.kind || peer.id !== ctx.principal.id) return close('peer_taken', 'the peer id does not name this session', true);
    const versions = message.supportedProtocolVersions;
    if (versions !== undefined && !(Array.isArray(versions) && versions.length <= 8 && versions.every((v) => typeof v === 'string' && v.length <= 16))) {
      return close('malformed', 'bad protocol versions');
    }
    return { action: 'pass' };
  }
  if (ctx.peerId === null) return close('malformed', 'a message before join');
  // automerge-repo clients relay the ephemeral messages they receive to their other peers, the
  // server included, under the original sender's id: not a sync message, so left aside, never
  // passed on under a name that is not this socket's.
  if (message.type === 'ephemeral' && message.senderId !== ctx.peerId) return { action: 'ignore' };
  if (message.senderId !== ctx.peerId) return close('peer_taken', 'the message names another sender', true);
  if (message.targetId !== ctx.serverPeerId) return close('malformed', 'messages go to the server only');

  switch (message.type) {
    case 'remote-subscription-change':
    case 'remote-heads-changed':
      return { action: 'ignore' };
    case 'sync':
    case 'request':
    case 'ephemeral':
    case 'doc-unavailable':
      break;
    default:
      return close('malformed', `unknown message type ${message.type.slice(0, 40)}`);
  }

  const documentId = message.documentId;
  if (typeof documentId !== 'string') return close('malformed', 'no document id');
  const doc = ctx.docOf(documentId);
  // Unknown ids are refused like forbidden ones: nobody learns which documents exist.
  if (!doc) return close('forbidden', 'not a document of a room this user is in');
  const role = ctx.roleIn(doc.roomId);
  if (!role) return close('forbidden', 'not a document of a room this user is in');
  const pass: Verdict = { action: 'pass', documentId, roomId: doc.roomId };

  if (message.type === 'doc-unavailable') return pass;
  if (!(message.data instanceof Uint8Array) || message.data.byteLength === 0) return close('malformed', 'no data');

  if (message.type === 'ephemeral') {
    if (doc.kind !== 'patch') return close('malformed', 'ephemeral messages belong on the patch document');
    if (typeof message.count !== 'number' || !Number.isSafeInteger(message.count) || typeof message.sessionId !== 'string' || !SESSION_ID.test(message.sessionId)) {
      return close('malformed', 'bad ephemeral message');
    }
    if (message.data.byteLength > MAX_EPHEMERAL_BYTES) return close('too_large', 'ephemeral message too large');
    // Relayed to every peer of the document: what cannot be decoded would fail at each of them.
    let body: unknown;
    try {
      body = cbor.decode(message.data);
    } catch {
      return close('malformed', 'ephemeral data does not decode');
    }
    if (!isRecord(body) || (body.kind !== 'presence' && body.kind !== 'evaluate')) return close('malformed', 'unknown ephemeral message');
    // Clients trust a presence's sender (the peer id names the user), never the role it claims.
    if (body.kind === 'evaluate' && role === 'viewer') return close('forbidden', 'a viewer asked the room to evaluate', true);
    return pass;
  }

  let decoded: A.DecodedSyncMessage;
  try {
    // (Its "changes" may be changes or a whole-document chunk: their bytes are Automerge's to check.)
    decoded = A.decodeSyncMessage(message.data);
  } catch {
    return close('malformed', 'sync data does not decode');
  }
  if (decoded.changes.length > 0) {
    const mayWrite = doc.kind === 'patch' && (role === 'owner' || role === 'performer');
    if (!mayWrite) {
      // Changes the server already holds, sent back, are not a write. A client that took the room
      // state from a command answer (CommandsResponse.state) has changes its sync state does not
      // know the server has, and offers them once; the server's sync answer then tells it so.
      const adds = ctx.adds(documentId, decoded.changes);
      if (adds === undefined) return { action: 'wait', documentId };
      if (adds) return close('forbidden', `changes sent to a ${doc.kind} document this ${role} may only read`, true);
    }
  }
  return pass;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
