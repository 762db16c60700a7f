import { useStore } from 'zustand';
import { useOnline } from '../online';

/**
 * Toolbar: in a room's studio (/studio/<id>) one button names the room and my role and opens the
 * Room dialog (which leads on to all my rooms); in the local studio it is "Rooms". One button, as
 * the toolbar has no room to spare.
 */
export function RoomButtons() {
  const { dialogs, currentRoom } = useOnline();
  const room = useStore(currentRoom, (s) => s.room);
  const role = useStore(currentRoom, (s) => s.role);
  if (!currentRoom.roomId) {
    return (
      <button type="button" onClick={() => dialogs.show({ kind: 'rooms' })} title="My rooms, new rooms, invites" data-testid="rooms-button">
        Rooms
      </button>
    );
  }
  return (
    <button type="button" className="pr-room-button" onClick={() => dialogs.show({ kind: 'room' })} title="This room: members, roles, invites, audience link" data-testid="room-button" data-role={role}>
      <span className="pr-toolbar-room-name">{room ? room.name : 'Room'}</span>
      {role && <span className={`pr-badge pr-role-${role}`}>{role}</span>}
    </button>
  );
}
