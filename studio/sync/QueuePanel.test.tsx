// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { NewCommand } from '../../plugins/sync/client';
import type { QueueEntry, RoomState } from '../../plugins/sync/protocol';
import { StudioContext, type Studio } from '../app/studio';
import { mount } from '../ui/mount';
import { click, press } from '../ui/render-online';
import { QueuePanel } from './QueuePanel';
import type { RoomSync, RoomSyncState } from './room-sync';

const entry = (id: string, title: string): QueueEntry => ({ entryId: id, itemId: `m_${id}`, title, url: `https://example.org/${id}.mp4`, mime: 'video/mp4', duration: 65, addedBy: 'u_1' });

/** The panel over a stand-in live room: the state a room sync would hold, and the commands it is asked to send. */
function render(role: 'owner' | 'performer' | 'viewer', roomState: Partial<RoomState>, pending: NewCommand[] = []) {
  const sent: NewCommand[] = [];
  const outbox = createStore(() => ({ pending: pending.map((command, i) => ({ roomId: 'r', command: { ...command, id: `c${i}` }, createdAt: i, attempts: 0 })) }));
  const state: RoomSyncState = {
    mode: 'room',
    role,
    connection: { outbox } as unknown as RoomSyncState['connection'],
    roomState: { roomId: 'r', queue: [], nowPlaying: null, activePreset: null, members: {}, seq: 1, ...roomState },
    peers: [],
    error: undefined,
  };
  const store = createStore<RoomSyncState>(() => state);
  const sync = { ...store, send: (c: NewCommand) => (sent.push(c), true) } as unknown as RoomSync;
  const { $, $$, unmount } = mount(<StudioContext.Provider value={{ sync } as unknown as Studio}><QueuePanel /></StudioContext.Provider>);
  cleanups.push(unmount);
  return { sent, $$, $, store };
}

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('queue panel', () => {
  it('says when the queue is empty and how to fill it', () => {
    const { $ } = render('performer', {});
    expect($('queue-empty')?.textContent).toMatch(/Drag media here/);
    expect($('now-playing')?.textContent).toContain('Nothing playing');
  });

  it('lists entries in order and sends play now, play next, remove, skip and clear, naming entries', () => {
    const { $, $$, sent } = render('performer', { queue: [entry('a', 'Alpha'), entry('b', 'Beta')], nowPlaying: { entry: entry('z', 'Zed'), startedAt: 1 } });
    expect($$('queue-entry').map((e) => e.textContent)).toEqual([expect.stringContaining('Alpha'), expect.stringContaining('Beta')]);
    expect($('queue-entry')?.textContent).toContain('1:05');
    expect($('now-playing-title')?.textContent).toBe('Zed');
    click($$('queue-play-now')[1]!);
    click($('queue-play-next')); // only Beta has it: Alpha is next already
    click($$('queue-remove')[0]!);
    click($('queue-skip'));
    click($('queue-clear'));
    expect(sent).toEqual([
      { type: 'play_now', entryId: 'b' },
      { type: 'play_next', entryId: 'b' },
      { type: 'remove', entryId: 'a' },
      { type: 'skip', entryId: 'z' },
      { type: 'clear' },
    ]);
  });

  it('moves entries with Alt+arrows and removes with Delete', () => {
    const { $$, sent } = render('owner', { queue: [entry('a', 'A'), entry('b', 'B'), entry('c', 'C')] });
    const rows = $$('queue-entry');
    act(() => void rows[2]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', altKey: true, bubbles: true })));
    act(() => void rows[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true, bubbles: true })));
    act(() => void rows[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', altKey: true, bubbles: true })));
    press(rows[1]!, 'Delete');
    expect(sent).toEqual([
      { type: 'move', entryId: 'c', after: 'a' },
      { type: 'move', entryId: 'a', after: 'b' },
      { type: 'move', entryId: 'b', after: null },
      { type: 'remove', entryId: 'b' },
    ]);
  });

  it('is read-only for viewers', () => {
    const { $, $$, sent } = render('viewer', { queue: [entry('a', 'A')], nowPlaying: { entry: entry('z', 'Z'), startedAt: 1 } });
    expect($$('queue-entry')).toHaveLength(1);
    expect($('queue-entry')?.getAttribute('draggable')).toBe('false');
    for (const id of ['queue-play-now', 'queue-remove', 'queue-skip', 'queue-clear', 'room-show-patch']) expect($(id), id).toBeNull();
    press($('queue-entry'), 'Delete');
    expect(sent).toEqual([]);
  });

  it('shows commands still waiting for the server, and what the room shows', () => {
    const { $, $$, sent } = render('performer', { activePreset: 's_ember-weave' }, [{ type: 'add', itemId: 'm_9' }, { type: 'skip', entryId: 'x' }]);
    expect($$('queue-pending').map((e) => e.dataset.commandType)).toEqual(['add', 'skip']);
    expect($('room-preset')?.textContent).toBe('s_ember-weave');
    click($('room-show-patch'));
    expect(sent).toEqual([{ type: 'set_preset', presetId: null }]);
  });

  it('is not there outside a live room', () => {
    const { $, store } = render('performer', {});
    act(() => store.setState({ mode: 'local' }));
    expect($('queue')).toBeNull();
  });
});
