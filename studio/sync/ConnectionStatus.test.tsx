// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ConnectionStatus as Status, RoomConnection } from '../../plugins/sync/client';
import { StudioContext, type Studio } from '../app/studio';
import { mount } from '../ui/mount';
import { ConnectionStatus } from './ConnectionStatus';
import type { RoomSync, RoomSyncState } from './room-sync';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The status bar's sync part over a stand-in room sync and connection, both changeable. */
function render(mode: RoomSyncState['mode']) {
  const status = createStore<Status>(() => ({ state: 'connecting', attempt: 0, nextRetryAt: undefined, stopped: undefined, pending: 0, role: undefined, ready: false, error: undefined }));
  const connection = { status, retry: () => {} } as unknown as RoomConnection;
  const sync = createStore<RoomSyncState>(() => ({ mode, connection, role: undefined, roomState: undefined, peers: [], error: undefined })) as unknown as RoomSync;
  const { $, unmount } = mount(<StudioContext.Provider value={{ sync } as unknown as Studio}><ConnectionStatus /></StudioContext.Provider>);
  cleanups.push(unmount);
  const shown = () => $('sync-status')!;
  return { status, sync, shown };
}

describe('connection status', () => {
  it('says "Live" only once the room is shown, not when its socket is up', () => {
    const { status, sync, shown } = render('joining');
    expect(shown().textContent).toBe('Connecting…');
    act(() => status.setState({ state: 'connected' }));
    expect(shown().dataset.state).toBe('connecting');
    expect(shown().textContent).toBe('Joining the room…');
    act(() => sync.setState({ mode: 'room', role: 'viewer' }));
    expect(shown().dataset.state).toBe('connected');
    expect(shown().textContent).toBe('Live');
  });

  it('shows a dropped connection while joining, with a way to retry', () => {
    const { status, shown } = render('joining');
    act(() => status.setState({ state: 'reconnecting', attempt: 2, nextRetryAt: undefined }));
    expect(shown().dataset.state).toBe('reconnecting');
    expect(shown().textContent).toContain('Reconnecting (attempt 2)');
    expect(shown().querySelector('[data-testid="sync-retry"]')).not.toBeNull();
  });
});
