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
