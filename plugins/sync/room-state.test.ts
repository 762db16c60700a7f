import { next as A } from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { readRoomState } from './room-state';

describe('readRoomState', () => {
  it('is undefined until there is a document', () => {
    expect(readRoomState(undefined)).toBeUndefined();
    expect(readRoomState(null)).toBeUndefined();
  });

  it('reads values stored whole, and leaves out one that does not parse instead of failing the room', () => {
    const whole = (value: unknown) => new A.ImmutableString(JSON.stringify(value));
    const doc = A.from({
      format: 2,
      roomId: new A.ImmutableString('r1'),
      queue: [whole({ entryId: 'e1', itemId: 'i1', title: 'One', url: 'https://archive.org/1.mp4', mime: 'video/mp4', duration: null, addedBy: 'u1' }), new A.ImmutableString('{not json')],
      nowPlaying: null,
      activePreset: new A.ImmutableString('ember'),
      members: { u1: whole({ name: 'Ada', role: 'owner' }), u2: new A.ImmutableString('') },
      seq: 3,
    });
    expect(readRoomState(doc)).toEqual({
      roomId: 'r1',
      queue: [{ entryId: 'e1', itemId: 'i1', title: 'One', url: 'https://archive.org/1.mp4', mime: 'video/mp4', duration: null, addedBy: 'u1' }],
      nowPlaying: null,
      activePreset: 'ember',
      members: { u1: { name: 'Ada', role: 'owner' } },
      seq: 3,
    });
  });

  it('gives a document missing its fields empty values rather than throwing', () => {
    expect(readRoomState(A.from({}))).toEqual({ roomId: '', queue: [], nowPlaying: null, activePreset: null, members: {}, seq: 0 });
  });
});

describe('readRoomState, read again after a change', () => {
  it('gives an entry that did not change as the same object (read once), frozen', () => {
    const whole = (value: unknown) => new A.ImmutableString(JSON.stringify(value));
    const entry = (id: string) => ({ entryId: id, itemId: `i-${id}`, title: id, url: `https://archive.org/${id}.mp4`, mime: 'video/mp4', duration: null, addedBy: 'u1' });
    const doc = A.from({ format: 2, roomId: new A.ImmutableString('r1'), queue: [whole(entry('e1'))], nowPlaying: null, activePreset: null, members: {}, seq: 1 });
    const before = readRoomState(doc)!;
    const after = readRoomState(A.change(doc, (d) => void d.queue.push(whole(entry('e2')))))!;
    expect(after.queue.map((e) => e.entryId)).toEqual(['e1', 'e2']);
    expect(after.queue[0]).toBe(before.queue[0]);
    expect(Object.isFrozen(after.queue[1])).toBe(true);
  });
});
