import { useStore } from 'zustand';
import { useOnline } from '../online';

/** Toolbar: "Rooms" everywhere; in a room's studio (/studio/<id>) also "Room", naming it and my role once known. */
export function RoomButtons() {
  const { dialogs, currentRoom } = useOnline();
  const room = useStore(currentRoom, (s) => s.room);
  const role = useStore(currentRoom, (s) => s.role);
  return (
    <>
      <button type="button" onClick={() => dialogs.show({ kind: 'rooms' })} title="My rooms, new rooms, invites" data-testid="rooms-button">
        Rooms
      </button>
      {currentRoom.roomId && (
        <button type="button" onClick={() => dialogs.show({ kind: 'room' })} title="This room: members, roles, invites, audience link" data-testid="room-button" data-role={role}>
          Room{room ? `: ${room.name}` : ''}
          {role && <span className={`pr-badge pr-role-${role}`}>{role}</span>}
        </button>
      )}
    </>
  );
}
