import { useStore } from 'zustand';
import { useOnline } from '../online';
import { Dialog } from '../ui/Dialog';
import { JoinInvite } from './JoinInvite';
import { MyRooms } from './MyRooms';

/** Rooms: mine (list, create, open) and joining with an invite. */
export function RoomsDialog() {
  const { dialogs } = useOnline();
  const open = useStore(dialogs, (s) => s.open);
  if (open?.kind !== 'rooms') return null;
  const tab = open.tab ?? (open.invite ? 'join' : 'mine');
  const show = (next: 'mine' | 'join') => dialogs.show({ kind: 'rooms', tab: next });
  return (
    <Dialog title="Rooms" onClose={() => dialogs.close()} testId="rooms-dialog">
      <div className="pr-segmented pr-dialog-tabs" role="group" aria-label="Rooms">
        <button type="button" aria-pressed={tab === 'mine'} onClick={() => show('mine')} data-testid="rooms-tab-mine">
          My rooms
        </button>
        <button type="button" aria-pressed={tab === 'join'} onClick={() => show('join')} data-testid="rooms-tab-join">
          Join with an invite
        </button>
      </div>
      {tab === 'mine' ? <MyRooms /> : <JoinInvite initial={open.invite} />}
    </Dialog>
  );
}
