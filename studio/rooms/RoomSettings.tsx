import { useState, type FormEvent } from 'react';
import { useOnline } from '../online';
import { ErrorNote } from '../ui/ErrorNote';
import { useAction } from '../ui/use-action';
import { ROOM_NAME_MAX, type Room } from './rooms-api';

/** Owner only: rename, and switch between public (anyone with the link watches) and private. */
export function RoomSettings({ room }: { room: Room }) {
  const { rooms, currentRoom } = useOnline();
  const [name, setName] = useState(room.name);
  const renaming = useAction();
  const switching = useAction();

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || trimmed === room.name) return;
    const answer = await renaming.run(() => rooms.update(room.id, { name: trimmed }));
    if (answer) currentRoom.update(answer.room);
  };
  const toggleVisibility = async () => {
    const visibility = room.visibility === 'public' ? 'private' : 'public';
    const answer = await switching.run(() => rooms.update(room.id, { visibility }));
    if (answer) currentRoom.update(answer.room);
  };

  return (
    <section className="pr-section" aria-label="Room settings" data-testid="room-settings">
      <h3>Settings</h3>
      <form className="pr-form pr-inline-form" onSubmit={rename} aria-busy={renaming.pending}>
        <label className="pr-field pr-grow">
          <span>Name</span>
          <input value={name} maxLength={ROOM_NAME_MAX} onChange={(e) => setName(e.target.value)} data-testid="room-rename" />
        </label>
        <button type="submit" disabled={renaming.pending || !name.trim() || name.trim() === room.name} data-testid="room-rename-save">
          {renaming.pending ? 'Saving…' : 'Rename'}
        </button>
      </form>
      <ErrorNote error={renaming.error} />
      <label className="pr-check">
        <input type="checkbox" checked={room.visibility === 'public'} disabled={switching.pending} onChange={() => void toggleVisibility()} data-testid="room-public" />
        Public: anyone with the audience link may watch, without an account {switching.pending && <small className="pr-spinner" aria-label="Saving" />}
      </label>
      <ErrorNote error={switching.error} />
    </section>
  );
}
