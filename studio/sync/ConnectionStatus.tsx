import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ConnectionStatus as Status, RoomConnection } from '../../plugins/sync/client';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import type { RoomSync } from './room-sync';

const STOPPED: Record<string, string> = {
  unauthenticated: 'signed out — sign in again to reconnect',
  forbidden: 'no access to this room any more',
  peer_taken: 'this room is open in another tab with the same connection',
};

/** Status bar: local or live, and while live the connection and the queue commands not yet answered. */
export function ConnectionStatus() {
  const { sync } = useStudio();
  if (!sync) return null;
  return <SyncStatus sync={sync} />;
}

function SyncStatus({ sync }: { sync: RoomSync }) {
  const mode = useStore(sync, (s) => s.mode);
  const connection = useStore(sync, (s) => s.connection);
  const error = useStore(sync, (s) => s.error);
  if (mode === 'local') return <LocalStatus error={error} />;
  if (!connection) return <Joining />;
  return <LiveStatus connection={connection} joining={mode === 'joining'} />;
}

function Joining() {
  return (
    <span className="pr-sync" data-testid="sync-status" data-state="connecting">
      Joining the room…
    </span>
  );
}

/**
 * This room's studio, not live. A signed-out visitor (who followed a room link) is told that the
 * room needs an account and offered the way in: signed in, the studio joins without a reload.
 */
function LocalStatus({ error }: { error: string | undefined }) {
  const { account, dialogs } = useOnline();
  const signedOut = useStore(account, (s) => s.status === 'signed-out' && !s.unreachable);
  return (
    <span className="pr-sync" data-testid="sync-status" data-state="local" title={error ?? 'Your work is saved in this browser only.'}>
      Local · saved in this browser{error ? ' (the live room is unavailable)' : ''}
      {signedOut && !error && (
        <>
          {' · '}
          <button type="button" className="pr-link" onClick={() => dialogs.show({ kind: 'account', mode: 'sign-in' })} data-testid="sync-sign-in">
            sign in
          </button>{' '}
          to join this room live
        </>
      )}
    </span>
  );
}

/** `joining`: the socket may be up before the room's documents are: "Live" only once they are shown. */
function LiveStatus({ connection, joining }: { connection: RoomConnection; joining: boolean }) {
  const status = useStore(connection.status);
  const now = useNow(status.state === 'reconnecting');
  if (joining && status.state === 'connected') return <Joining />;
  return (
    <span className={`pr-sync pr-sync-${status.state}`} data-testid="sync-status" data-state={status.state} data-pending={status.pending} role="status">
      <span className="pr-sync-dot" />
      {describe(status, now)}
      {status.pending > 0 && (
        <span className="pr-sync-pending" data-testid="sync-pending" title="Queue commands kept in this browser until the server confirms them">
          {' '}· {status.pending} pending
        </span>
      )}
      {status.state !== 'connected' && status.state !== 'connecting' && (
        <button type="button" className="pr-link" onClick={() => connection.retry()} data-testid="sync-retry">
          retry now
        </button>
      )}
    </span>
  );
}

function describe(status: Status, now: number): string {
  switch (status.state) {
    case 'connected':
      return 'Live';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting': {
      const wait = status.nextRetryAt ? Math.max(0, Math.ceil((status.nextRetryAt - now) / 1000)) : 0;
      return `Reconnecting (attempt ${status.attempt}${wait > 0 ? `, in ${wait} s` : ''})`;
    }
    case 'offline':
      return status.stopped ? `Offline: ${STOPPED[status.stopped] ?? status.stopped}` : 'Offline — changes are kept and sent when the connection is back';
  }
}

/** Re-renders every second while a countdown is shown. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? now : Date.now();
}
