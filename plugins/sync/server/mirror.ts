import { next as A } from '@automerge/automerge';
import type { QueueEntry, RoomStateDoc } from '../protocol';
import type { QueueState } from './queue';

type Members = RoomStateDoc['members'];
type Edit = (doc: RoomStateDoc) => void;

/**
 * The edits that make the room-state document say what SQLite says, or null when it already does.
 * Planned on the plain document (reading through Automerge's change proxies costs ~0.5 ms per
 * entry) and applied by index. Entries are immutable and named, so the queue is patched by id —
 * removals, then moves and inserts in order — rather than replaced, keeping history small.
 */
export function mirrorEdits(current: RoomStateDoc, roomId: string, state: QueueState | null, members?: Members): Edit | null {
  const edits: Edit[] = [];
  if (state) {
    if (current.roomId !== roomId) edits.push((d) => void (d.roomId = roomId));
    edits.push(...queueEdits(current.queue, state.queue));
    const playing = state.nowPlaying;
    if (!playing) {
      if (current.nowPlaying !== null) edits.push((d) => void (d.nowPlaying = null));
    } else if (current.nowPlaying?.entry?.entryId !== playing.entry.entryId || current.nowPlaying.startedAt !== playing.startedAt) {
      edits.push((d) => void (d.nowPlaying = { entry: plain(playing.entry), startedAt: playing.startedAt }));
    }
    if (current.activePreset !== state.activePreset) edits.push((d) => void (d.activePreset = state.activePreset));
    if (current.seq !== state.seq) edits.push((d) => void (d.seq = state.seq));
  }
  if (members) edits.push(...memberEdits(current.members, members));
  return edits.length === 0 ? null : (doc) => edits.forEach((edit) => edit(doc));
}

function queueEdits(current: readonly QueueEntry[] | undefined, wanted: readonly QueueEntry[]): Edit[] {
  if (!Array.isArray(current)) return [(d) => void (d.queue = wanted.map(plain))];
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
    edits.push((d) => A.insertAt(d.queue, i, plain(entry)));
  });
  if (ids.length > wanted.length) {
    const from = wanted.length;
    const count = ids.length - from;
    edits.push((d) => A.deleteAt(d.queue, from, count));
  }
  return edits;
}

function memberEdits(current: Members | undefined, members: Members): Edit[] {
  if (typeof current !== 'object' || current === null) return [(d) => void (d.members = structuredClone(members))];
  const edits: Edit[] = [];
  for (const id of Object.keys(current)) if (!(id in members)) edits.push((d) => void delete d.members[id]);
  for (const [id, member] of Object.entries(members)) {
    const now = current[id];
    if (!now || now.name !== member.name || now.role !== member.role) edits.push((d) => void (d.members[id] = { name: member.name, role: member.role }));
  }
  return edits;
}

/** Automerge takes plain values only (no undefined). */
function plain(entry: QueueEntry): QueueEntry {
  return { entryId: entry.entryId, itemId: entry.itemId, title: entry.title, url: entry.url, mime: entry.mime, duration: entry.duration, addedBy: entry.addedBy };
}
