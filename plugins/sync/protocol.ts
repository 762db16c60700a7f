import type { ParamValue, PatchEdge } from '../../runtime/patch/schema';

/**
 * The contract between the sync server plugin (plugins/sync/server.ts) and its clients (the studio,
 * the player, the chaos test and bench clients). Pure data and types: both sides import it.
 *
 * A room has two Automerge documents, synced over one WebSocket per client at SYNC_PATH:
 * - the patch document, edited by the room's owner and performers (viewers may only read it);
 * - the room-state document, written only by the server (queue, now playing, members, active preset).
 *
 * Queue commands do not travel as document changes: automerge-repo has no acknowledgements, so a
 * client could never know a change was kept. They are HTTP requests (COMMANDS_PATH) that the server
 * answers once the command's result is durable; the result then shows up in the room-state document.
 * Transient things (presence, "evaluate now") are automerge-repo ephemeral messages on the patch
 * document.
 */

/** WebSocket endpoint, same origin and port as the HTTP API. */
export const SYNC_PATH = '/sync';

/**
 * Close codes the server uses (4000–4999 are application codes). A client stops reconnecting on
 * `forbidden`/`peer_taken`/`unauthenticated` until something changes (sign in, role change), and
 * reconnects with backoff on everything else.
 */
export const CLOSE_CODES = {
  /** No valid session on the socket (or it ended since). */
  unauthenticated: 4401,
  /** Asked for a document the user may not read, or sent changes to one they may only read. */
  forbidden: 4403,
  /** The peer id is not the user's, or another open socket already holds it. */
  peer_taken: 4409,
  /** A message that does not decode, or is not a sync protocol message. */
  malformed: 4400,
  /** Over MAX_MESSAGE_BYTES. */
  too_large: 1009,
  /** Too many messages too fast. */
  rate_limited: 4429,
  /** The server is shutting down: reconnect later. */
  going_away: 1001,
} as const;

export type CloseReason = keyof typeof CLOSE_CODES;

/** Largest single WebSocket message the server accepts. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Peer ids are bound to the signed-in user (or guest): `u:<userId>:<random>` or `g:<guestId>:<random>`.
 * The server refuses a socket whose peer id names someone else, or one already connected.
 */
export function peerIdFor(principal: { kind: 'user' | 'guest'; id: string }, random: string): string {
  return `${principal.kind === 'user' ? 'u' : 'g'}:${principal.id}:${random}`;
}

export function parsePeerId(peerId: string): { kind: 'user' | 'guest'; id: string; random: string } | null {
  const match = /^([ug]):([^:]{1,64}):([A-Za-z0-9_-]{1,64})$/.exec(peerId);
  if (!match) return null;
  return { kind: match[1] === 'u' ? 'user' : 'guest', id: match[2]!, random: match[3]! };
}

/** `GET /api/sync/rooms/:roomId` → where a room's documents are, and what the caller may do. */
export interface RoomDocuments {
  roomId: string;
  /** Automerge document ids (bare base58 ids, as `repo.find` takes them). */
  patchDocId: string;
  stateDocId: string;
  role: 'owner' | 'performer' | 'viewer';
}

/**
 * A string kept as one value (stored-string.ts: an Automerge ImmutableString, which reads back as an
 * object holding it), or as collaborative text (a plain string). Strings nobody edits in place are
 * kept whole: one operation each, where text costs one per character.
 */
export type StoredString = string | { readonly val: string };

/**
 * The patch document. Nodes and edges are maps keyed by id (not arrays) so that concurrent adds,
 * removes and parameter edits merge per node and per parameter. Convert with patch-doc.ts. Node
 * types and edge ends are kept whole; text parameters (code) are collaborative text, edited by
 * their changed characters. Documents that kept types and edges as text still read.
 */
export interface PatchDoc {
  version: number;
  name?: string;
  nodes: Record<string, PatchDocNode>;
  /** Keyed by `edgeKey(edge)`: the same connection made twice is one edge. */
  edges: Record<string, PatchDocEdge>;
}

export interface PatchDocNode {
  type: StoredString;
  params: Record<string, ParamValue>;
  x: number;
  y: number;
}

export interface PatchDocEdge {
  from: { node: StoredString; port: StoredString };
  to: { node: StoredString; port: StoredString };
}

export function edgeKey(edge: PatchEdge): string {
  return `${edge.from.node}.${edge.from.port}>${edge.to.node}.${edge.to.port}`;
}

/** One entry of the queue: a library media item, added once (the same item may be queued twice as two entries). */
export interface QueueEntry {
  /** Made by the server when the entry is added; names the entry in move/remove/skip. */
  entryId: string;
  itemId: string;
  title: string;
  url: string;
  mime: string;
  /** Seconds, when the library knows it. */
  duration: number | null;
  addedBy: string;
}

export interface NowPlaying {
  entry: QueueEntry;
  /** ms since the epoch, server clock. */
  startedAt: number;
}

export interface RoomMemberEntry {
  name: string;
  role: 'owner' | 'performer' | 'viewer';
}

/** What the room-state document says, as plain data: read it with `readRoomState` (room-state.ts). */
export interface RoomState {
  roomId: string;
  /** Upcoming entries, in play order (now playing is not in it). */
  queue: QueueEntry[];
  nowPlaying: NowPlaying | null;
  /** Library preset id the room shows, or null for the room's own patch. */
  activePreset: string | null;
  members: Record<string, RoomMemberEntry>;
  /** Number of commands applied so far: a client that saw seq N has seen every result up to N. */
  seq: number;
}

/** The room-state document's current format (see RoomStateDoc). Documents without one are format 1. */
export const ROOM_STATE_FORMAT = 2;

/**
 * The room-state document as stored: written only by the server; clients only read it (through
 * `readRoomState`). The server writes each queue entry, the now-playing record and each member
 * whole and never edits one in place, so each is one JSON value in one immutable string: one
 * Automerge operation, where a map of collaborative text fields cost one per character (~160 for
 * an entry). Every client applies every change, so this is the work a reconnecting performer does
 * per entry the room added meanwhile. Format 1 documents (maps of text) still read; the server
 * rewrites one in this format when it loads it. (A type, not an interface: Automerge's `from` takes
 * only types with an index signature.)
 */
export type RoomStateDoc = {
  format?: typeof ROOM_STATE_FORMAT;
  roomId: StoredString;
  /** JSON of a QueueEntry each. */
  queue: StoredString[];
  /** JSON of a NowPlaying. */
  nowPlaying: StoredString | null;
  activePreset: StoredString | null;
  /** JSON of a RoomMemberEntry each, by user id. */
  members: Record<string, StoredString>;
  seq: number;
};

/** Limits the server enforces on the queue. */
export const QUEUE_LIMITS = {
  entries: 500,
  commandsPerRequest: 100,
  commandIdLength: 64,
  /** Heads a command request may name (a document written by one peer has one). */
  stateHeads: 16,
  /** Room-state changes carried in a command answer, bytes before base64; more are left to the socket's sync. */
  stateBytes: 256 * 1024,
} as const;

/**
 * Queue commands. `id` is made by the client (a UUID) and names the command for ever: the server
 * applies an id at most once and answers a resend with the first answer. Entries are named, never
 * addressed by index, so concurrent commands keep their meaning.
 */
export type QueueCommand =
  | { id: string; type: 'add'; itemId: string; /** Insert after this entry; null: at the front; absent: at the end. */ after?: string | null }
  | { id: string; type: 'remove'; entryId: string }
  | { id: string; type: 'move'; entryId: string; after: string | null }
  /** Moves the entry to the front of the queue. */
  | { id: string; type: 'play_next'; entryId: string }
  /** Starts the entry now (the current one ends). */
  | { id: string; type: 'play_now'; entryId: string }
  /** Ends `entryId`, which must be the one playing: two skips of one entry skip once. */
  | { id: string; type: 'skip'; entryId: string }
  | { id: string; type: 'clear' }
  /** Shows a library preset in the room (null: the room's own patch). */
  | { id: string; type: 'set_preset'; presetId: string | null };

export type QueueCommandType = QueueCommand['type'];

/**
 * `POST /api/sync/rooms/:roomId/commands` with `{ commands: QueueCommand[] }` → `{ results }`, in
 * order. With `stateHeads`, the heads of the caller's copy of the room-state document, the answer
 * also carries `state`: the changes that copy lacks, results included (Automerge `saveSince`,
 * base64). A client coming back with pending commands is then reconciled by one request, without
 * waiting for its socket to rejoin and sync; the socket's sync that follows finds nothing to send.
 */
export interface CommandsRequest {
  commands: QueueCommand[];
  stateHeads?: string[];
}

export type CommandResult =
  /** Applied (now or the first time this id was seen); `seq` is the room-state seq that holds its result. */
  | { id: string; status: 'ack'; seq: number }
  /** Not applied, for good: resending will not change that. */
  | { id: string; status: 'rejected'; code: CommandRejection; message: string };

export type CommandRejection =
  | 'forbidden'
  | 'invalid'
  | 'unknown_item'
  | 'unknown_entry'
  | 'not_playing'
  | 'queue_full';

export interface CommandsResponse {
  results: CommandResult[];
  /** The room-state changes the caller lacks (see CommandsRequest); absent when it lacks none, or too many to send here. */
  state?: string;
}

/**
 * `GET /api/sync/rooms/:roomId/preset` → the room's active library preset in full, for everyone in
 * the room (guests too, who may not browse the library): the audience plays what the room shows.
 */
export interface RoomPresetResponse {
  preset: { id: string; title: string; presetKind: 'patch' | 'code'; /** Untrusted until validated. */ patch?: unknown; code?: string } | null;
}

export const ROOM_PRESET_PATH = (roomId: string) => `/api/sync/rooms/${encodeURIComponent(roomId)}/preset`;
export const COMMANDS_PATH = (roomId: string) => `/api/sync/rooms/${encodeURIComponent(roomId)}/commands`;
export const ROOM_DOCUMENTS_PATH = (roomId: string) => `/api/sync/rooms/${encodeURIComponent(roomId)}`;

/** Ephemeral messages on the patch document (never stored). The sender is the message's peer id, which the server binds to its user. */
export type EphemeralMessage =
  | { kind: 'presence'; name: string; role: 'owner' | 'performer' | 'viewer'; /** Node ids the sender has selected or is editing. */ editing: string[]; at: number }
  | { kind: 'evaluate'; at: number };
