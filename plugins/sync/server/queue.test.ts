import { describe, expect, it } from 'vitest';
import type { LibraryItemRef } from '../../../runtime/plugin/server';
import type { QueueCommand } from '../protocol';
import { applyCommand, readCommand, type QueueState } from './queue';

const items: Record<string, LibraryItemRef> = {
  m1: { kind: 'media', id: 'm1', title: 'One', url: 'https://archive.org/1.mp4', mime: 'video/mp4', duration: 10 },
  m2: { kind: 'media', id: 'm2', title: 'Two', url: 'https://archive.org/2.mp4', mime: 'video/mp4', duration: null },
  p1: { kind: 'preset', id: 'p1', title: 'Preset', presetKind: 'code', body: 'osc().out()' },
};

type CommandWithoutId = QueueCommand extends infer C ? (C extends QueueCommand ? Omit<C, 'id'> : never) : never;

function room() {
  let n = 0;
  const state: QueueState = { queue: [], nowPlaying: null, activePreset: null, seq: 0 };
  const run = (command: CommandWithoutId) =>
    applyCommand(state, { id: 'x', ...command } as QueueCommand, { userId: 'u1', now: 1000, item: (id) => items[id] ?? null, newEntryId: () => `e${++n}` });
  const order = () => state.queue.map((e) => e.entryId);
  return { state, run, order };
}

describe('queue commands', () => {
  it('adds at the end, at the front or after an entry, and only media items that exist', () => {
    const { run, order, state } = room();
    expect(run({ type: 'add', itemId: 'm1' })).toEqual({ ok: true });
    run({ type: 'add', itemId: 'm2', after: null });
    run({ type: 'add', itemId: 'm1', after: 'e2' });
    expect(order()).toEqual(['e2', 'e3', 'e1']);
    expect(state.queue[0]).toEqual({ entryId: 'e2', itemId: 'm2', title: 'Two', url: 'https://archive.org/2.mp4', mime: 'video/mp4', duration: null, addedBy: 'u1' });
    expect(run({ type: 'add', itemId: 'p1' })).toMatchObject({ ok: false, code: 'unknown_item' });
    expect(run({ type: 'add', itemId: 'nope' })).toMatchObject({ ok: false, code: 'unknown_item' });
    expect(run({ type: 'add', itemId: 'm1', after: 'e99' })).toMatchObject({ ok: false, code: 'unknown_entry' });
    expect(order()).toEqual(['e2', 'e3', 'e1']);
  });

  it('moves an entry relative to another without ever copying it, whatever the order of concurrent moves', () => {
    const { run, order } = room();
    for (let i = 0; i < 4; i++) run({ type: 'add', itemId: 'm1' });
    run({ type: 'move', entryId: 'e1', after: 'e3' });
    run({ type: 'move', entryId: 'e1', after: 'e4' });
    run({ type: 'move', entryId: 'e4', after: null });
    expect(order()).toEqual(['e4', 'e2', 'e3', 'e1']);
    expect(run({ type: 'move', entryId: 'e2', after: 'e2' })).toMatchObject({ ok: false, code: 'invalid' });
    run({ type: 'remove', entryId: 'e3' });
    expect(run({ type: 'move', entryId: 'e2', after: 'e3' })).toMatchObject({ ok: false, code: 'unknown_entry' });
    expect(order()).toEqual(['e4', 'e2', 'e1']);
  });

  it('plays now, plays next, skips only the entry playing, and clears the upcoming queue', () => {
    const { run, order, state } = room();
    for (let i = 0; i < 3; i++) run({ type: 'add', itemId: 'm1' });
    run({ type: 'play_now', entryId: 'e2' });
    expect(state.nowPlaying).toMatchObject({ entry: { entryId: 'e2' }, startedAt: 1000 });
    run({ type: 'play_next', entryId: 'e3' });
    expect(order()).toEqual(['e3', 'e1']);
    expect(run({ type: 'skip', entryId: 'e2' })).toEqual({ ok: true });
    expect(run({ type: 'skip', entryId: 'e2' })).toMatchObject({ ok: false, code: 'not_playing' });
    expect(state.nowPlaying?.entry.entryId).toBe('e3');
    run({ type: 'clear' });
    expect(order()).toEqual([]);
    expect(state.nowPlaying?.entry.entryId).toBe('e3');
    run({ type: 'skip', entryId: 'e3' });
    expect(state.nowPlaying).toBeNull();
    expect(run({ type: 'set_preset', presetId: 'm1' })).toMatchObject({ ok: false, code: 'unknown_item' });
    run({ type: 'set_preset', presetId: 'p1' });
    expect(state.activePreset).toBe('p1');
  });

  it('reads only well-formed commands', () => {
    expect(readCommand({ id: 'a', type: 'add', itemId: 'm1' })).toEqual({ id: 'a', type: 'add', itemId: 'm1' });
    expect(readCommand({ id: 'a', type: 'move', entryId: 'e1', after: null })).toEqual({ id: 'a', type: 'move', entryId: 'e1', after: null });
    for (const bad of [null, [], { type: 'clear' }, { id: '', type: 'clear' }, { id: 'x'.repeat(65), type: 'clear' }, { id: 'a b', type: 'clear' }, { id: 'a', type: 'drop' }, { id: 'a', type: 'add' }, { id: 'a', type: 'move', entryId: 'e1' }, { id: 'a', type: 'skip', entryId: 5 }]) {
      expect(typeof readCommand(bad)).toBe('string');
    }
  });
});
