import type { QueueEntry, RoomStateDoc } from '../protocol';
import type { QueueState } from './queue';

type Members = RoomStateDoc['members'];

/**
 * Makes the room-state document (inside an Automerge change callback) say what SQLite says, with
 * the fewest edits: entries are immutable and named, so the queue is patched by id (removals,
 * then moves and inserts in order) rather than replaced, which keeps the document's history small.
 */
export function mirrorState(doc: RoomStateDoc, roomId: string, state: QueueState, members?: Members) {
  if (doc.roomId !== roomId) doc.roomId = roomId;
  if (!Array.isArray(doc.queue)) doc.queue = [];
  const wanted = new Set(state.queue.map((entry) => entry.entryId));
  for (let i = doc.queue.length - 1; i >= 0; i--) if (!wanted.has(doc.queue[i]!.entryId)) doc.queue.splice(i, 1);
  state.queue.forEach((entry, i) => {
    if (doc.queue[i]?.entryId === entry.entryId) return;
    const later = doc.queue.findIndex((e, j) => j > i && e.entryId === entry.entryId);
    if (later >= 0) doc.queue.splice(later, 1);
    doc.queue.splice(i, 0, plain(entry));
  });
  if (doc.queue.length > state.queue.length) doc.queue.splice(state.queue.length);

  const playing = state.nowPlaying;
  if (!playing) {
    if (doc.nowPlaying !== null) doc.nowPlaying = null;
  } else if (doc.nowPlaying?.entry.entryId !== playing.entry.entryId || doc.nowPlaying.startedAt !== playing.startedAt) {
    doc.nowPlaying = { entry: plain(playing.entry), startedAt: playing.startedAt };
  }
  if (doc.activePreset !== state.activePreset) doc.activePreset = state.activePreset;
  if (doc.seq !== state.seq) doc.seq = state.seq;
  if (members) mirrorMembers(doc, members);
}

export function mirrorMembers(doc: RoomStateDoc, members: Members) {
  if (typeof doc.members !== 'object' || doc.members === null) doc.members = {};
  for (const id of Object.keys(doc.members)) if (!(id in members)) delete doc.members[id];
  for (const [id, member] of Object.entries(members)) {
    const current = doc.members[id];
    if (!current || current.name !== member.name || current.role !== member.role) doc.members[id] = { name: member.name, role: member.role };
  }
}

/** True when the document already says what SQLite says (nothing to write). */
export function mirrored(doc: RoomStateDoc, roomId: string, state: QueueState): boolean {
  return (
    doc.roomId === roomId &&
    doc.seq === state.seq &&
    doc.activePreset === state.activePreset &&
    (doc.nowPlaying?.entry.entryId ?? null) === (state.nowPlaying?.entry.entryId ?? null) &&
    (doc.nowPlaying?.startedAt ?? null) === (state.nowPlaying?.startedAt ?? null) &&
    Array.isArray(doc.queue) &&
    doc.queue.length === state.queue.length &&
    doc.queue.every((entry, i) => entry.entryId === state.queue[i]!.entryId)
  );
}

/** Automerge takes plain values only (no undefined). */
function plain(entry: QueueEntry): QueueEntry {
  return { entryId: entry.entryId, itemId: entry.itemId, title: entry.title, url: entry.url, mime: entry.mime, duration: entry.duration, addedBy: entry.addedBy };
}
