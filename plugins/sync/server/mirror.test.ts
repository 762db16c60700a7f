import { next as A } from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import type { QueueEntry, RoomState, RoomStateDoc } from '../protocol';
import { readRoomState } from '../room-state';
import { mirrorEdits, newRoomState } from './mirror';
import type { QueueState } from './queue';

const entry = (id: string): QueueEntry => ({ entryId: id, itemId: `item-${id}`, title: `Film ${id} from the archive`, url: `https://archive.org/download/${id}/${id}.mp4`, mime: 'video/mp4', duration: 61.5, addedBy: 'u1' });
const owner = { u1: { name: 'Ada', role: 'owner' as const } };

/** Applies what the mirror plans, as the server does; answers the new document and the change's operation count. */
function mirror(doc: A.Doc<RoomStateDoc>, state: QueueState | null, members?: RoomState['members']) {
  const edit = mirrorEdits(doc, 'r1', state, members);
  if (!edit) return { doc, ops: 0 };
  const next = A.change(doc, edit);
  return { doc: next, ops: A.decodeChange(A.getLastLocalChange(next)!).ops.length };
}

describe('the room-state mirror', () => {
  it('writes each entry, the now-playing record and each member as one operation, and reads them back', () => {
    const start = A.from(newRoomState('r1', owner));
    const state: QueueState = { queue: ['a', 'b', 'c'].map(entry), nowPlaying: { entry: entry('p'), startedAt: 5 }, activePreset: 'ember', seq: 4 };
    const { doc, ops } = mirror(start, state);
    // 3 inserts, now playing, the preset, seq: a map of text fields took ~160 per entry.
    expect(ops).toBe(6);
    expect(readRoomState(doc)).toEqual({ roomId: 'r1', ...state, members: owner });
    expect(mirrorEdits(doc, 'r1', state, owner)).toBeNull();
  });

  it('patches the queue by entry id: removals, moves and inserts, nothing rewritten that stayed', () => {
    let { doc } = mirror(A.from(newRoomState('r1', owner)), { queue: ['a', 'b', 'c', 'd'].map(entry), nowPlaying: null, activePreset: null, seq: 1 });
    const wanted = ['d', 'a', 'e', 'c'].map(entry);
    const result = mirror(doc, { queue: wanted, nowPlaying: null, activePreset: null, seq: 2 });
    doc = result.doc;
    // b removed, d moved (a delete and an insert), e inserted, seq.
    expect(result.ops).toBe(5);
    expect(readRoomState(doc)!.queue).toEqual(wanted);
  });

  it('lists a member’s new role and drops a member who left', () => {
    const both = { ...owner, u2: { name: 'Bo', role: 'viewer' as const } };
    let { doc } = mirror(A.from(newRoomState('r1', both)), null, both);
    expect(mirrorEdits(doc, 'r1', null, both)).toBeNull();
    ({ doc } = mirror(doc, null, { ...owner, u2: { name: 'Bo', role: 'performer' } }));
    expect(readRoomState(doc)!.members.u2).toEqual({ name: 'Bo', role: 'performer' });
    ({ doc } = mirror(doc, null, owner));
    expect(readRoomState(doc)!.members).toEqual(owner);
  });

  it('rewrites a format 1 document (maps of text) in the current format once, keeping what it said', () => {
    // What the server wrote before format 2: plain strings, which Automerge keeps as text.
    const legacy = A.from({ roomId: 'r1', queue: [entry('a'), entry('b')], nowPlaying: { entry: entry('p'), startedAt: 3 }, activePreset: 'ember', members: owner, seq: 7 }) as unknown as A.Doc<RoomStateDoc>;
    expect(readRoomState(legacy)).toEqual({ roomId: 'r1', queue: [entry('a'), entry('b')], nowPlaying: { entry: entry('p'), startedAt: 3 }, activePreset: 'ember', members: owner, seq: 7 });
    // Members alone (no queue state): the queue the document held is kept.
    const { doc } = mirror(legacy, null, owner);
    expect(doc.format).toBe(2);
    expect(readRoomState(doc)).toEqual(readRoomState(legacy));
    expect(mirrorEdits(doc, 'r1', null, owner)).toBeNull();
    // A later entry costs one operation, as in a new document.
    expect(mirror(doc, { queue: ['a', 'b', 'c'].map(entry), nowPlaying: { entry: entry('p'), startedAt: 3 }, activePreset: 'ember', seq: 8 }).ops).toBe(2);
  });
});
