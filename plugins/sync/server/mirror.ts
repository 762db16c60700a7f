import { next as A } from '@automerge/automerge';
import { ROOM_STATE_FORMAT, type NowPlaying, type QueueEntry, type RoomMemberEntry, type RoomState, type RoomStateDoc } from '../protocol';
import { readRoomState } from '../room-state';
import { fixed } from '../stored-string';
import type { QueueState } from './queue';

type Members = RoomState['members'];
type Edit = (doc: RoomStateDoc) => void;

/** A new room's state document, in the current format. */
export function newRoomState(roomId: string, members: Members): RoomStateDoc {
  return { format: ROOM_STATE_FORMAT, roomId: fixed(roomId), queue: [], nowPlaying: null, activePreset: null, members: storedMembers(members), seq: 0 };
}

/**
 * The edits that make the room-state document say what SQLite says, or null when it already does.
 * Planned on the plain data (reading through Automerge's change proxies costs ~0.5 ms per entry)
 * and applied by index. Entries are immutable and named, so the queue is patched by id — removals,
 * then moves and inserts in order — rather than replaced, keeping history small. A document in an
 * older format is rewritten whole, once.
 */
export function mirrorEdits(doc: RoomStateDoc | undefined, roomId: string, state: QueueState | null, members?: Members): Edit | null {
  const current = readRoomState(doc);
  if (!current || doc?.format !== ROOM_STATE_FORMAT) {
    const wanted = { ...(current ?? { queue: [], nowPlaying: null, activePreset: null, members: {}, seq: 0 }), ...state };
    const whole: RoomStateDoc = {
      ...newRoomState(roomId, members ?? wanted.members),
      queue: wanted.queue.map(stored),
      nowPlaying: wanted.nowPlaying && stored(wanted.nowPlaying),
      activePreset: wanted.activePreset === null ? null : fixed(wanted.activePreset),
      seq: wanted.seq,
    };
    return (d) => void Object.assign(d, whole);
  }
  const edits: Edit[] = [];
  if (state) {
    if (current.roomId !== roomId) edits.push((d) => void (d.roomId = fixed(roomId)));
    edits.push(...queueEdits(current.queue, state.queue));
    const playing = state.nowPlaying;
    if (!playing) {
      if (current.nowPlaying !== null) edits.push((d) => void (d.nowPlaying = null));
    } else if (current.nowPlaying?.entry?.entryId !== playing.entry.entryId || current.nowPlaying.startedAt !== playing.startedAt) {
      edits.push((d) => void (d.nowPlaying = stored(playing)));
    }
    const preset = state.activePreset;
    if (current.activePreset !== preset) edits.push((d) => void (d.activePreset = preset === null ? null : fixed(preset)));
    if (current.seq !== state.seq) edits.push((d) => void (d.seq = state.seq));
  }
  if (members) edits.push(...memberEdits(current.members, members));
  return edits.length === 0 ? null : (doc) => edits.forEach((edit) => edit(doc));
}

function queueEdits(current: readonly QueueEntry[], wanted: readonly QueueEntry[]): Edit[] {
  const edits: Edit[] = [];
  const ids = current.map((entry) => entry.entryId);
  const keep = new Set(wanted.map((entry) => entry.entryId));
  for (let i = ids.length - 1; i >= 0; i--) {
    if (keep.has(ids[i]!)) continue;
    ids.splice(i, 1);
    edits.push((d) => A.deleteAt(d.queue, i));
  }
  wanted.forEach((entry, i) => {
    if (ids[i] === entry.entryId) return;
    const later = ids.indexOf(entry.entryId, i + 1);
    if (later >= 0) {
      ids.splice(later, 1);
      edits.push((d) => A.deleteAt(d.queue, later));
    }
    ids.splice(i, 0, entry.entryId);
    edits.push((d) => A.insertAt(d.queue, i, stored(entry)));
  });
  if (ids.length > wanted.length) {
    const from = wanted.length;
    const count = ids.length - from;
    edits.push((d) => A.deleteAt(d.queue, from, count));
  }
  return edits;
}

function memberEdits(current: Members, members: Members): Edit[] {
  const edits: Edit[] = [];
  for (const id of Object.keys(current)) if (!(id in members)) edits.push((d) => void delete d.members[id]);
  for (const [id, member] of Object.entries(members)) {
    const now = current[id];
    if (!now || now.name !== member.name || now.role !== member.role) edits.push((d) => void (d.members[id] = storedMember(member)));
  }
  return edits;
}

const storedMembers = (members: Members): RoomStateDoc['members'] => Object.fromEntries(Object.entries(members).map(([id, member]) => [id, storedMember(member)]));

/** Only the fields a member entry has (a caller's object may carry more). */
const storedMember = (member: RoomMemberEntry) => stored({ name: member.name, role: member.role });

/** A value the server writes whole, as JSON in one immutable string (see RoomStateDoc). */
const stored = (value: QueueEntry | NowPlaying | RoomMemberEntry) => fixed(JSON.stringify(value));
