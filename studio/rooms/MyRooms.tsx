import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import { ErrorNote } from '../ui/ErrorNote';
import { useAction } from '../ui/use-action';
import { studioPath } from './invite-link';
import { ROOM_NAME_MAX, type Role, type Room, type Visibility } from './rooms-api';
import { SignInFirst } from '../account/SignInFirst';

/** My rooms, newest first, and a form to create one (which then opens it). */
export function MyRooms() {
  const { account } = useOnline();
  const signedIn = useStore(account, (s) => s.status === 'signed-in');
  if (!signedIn) return <SignInFirst why="Sign in to see your rooms and create one. The studio works without an account too, in this browser only." then={{ kind: 'rooms', tab: 'mine' }} />;
  return (
    <>
      <CreateRoom />
      <RoomList />
    </>
  );
}

function RoomList() {
  const { rooms } = useOnline();
  const { room: here } = useStudio();
  const [list, setList] = useState<Array<Room & { role: Role }>>();
  const loading = useAction();
  const { run } = loading;
  const load = useCallback(() => run(async () => setList(await rooms.mine())), [rooms, run]);
  useEffect(() => void load(), [load]);

  return (
    <section className="pr-section" aria-label="My rooms" aria-busy={loading.pending}>
      <h3>My rooms {loading.pending && <small className="pr-spinner" aria-label="Loading" />}</h3>
      <ErrorNote error={loading.error} testId="rooms-error" />
      {list?.length === 0 && <p className="pr-empty">No rooms yet: create one above, or join one with an invite.</p>}
      <ul className="pr-list" data-testid="room-list">
        {list?.map((r) => (
          <li key={r.id} data-testid="room-row" data-room-id={r.id}>
            <span className="pr-list-main">
              <strong>{r.name}</strong>
              {r.id === here && <small> (this room)</small>}
            </span>
            <span className={`pr-badge pr-role-${r.role}`}>{r.role}</span>
            <span className="pr-badge">{r.visibility}</span>
            <a className="pr-button-link" href={studioPath(r.id)} data-testid="open-room">
              Open
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CreateRoom() {
  const { rooms } = useOnline();
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [problem, setProblem] = useState<string>();
  const creating = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > ROOM_NAME_MAX) return setProblem(`A room name has 1–${ROOM_NAME_MAX} characters.`);
    setProblem(undefined);
    const made = await creating.run(() => rooms.create(trimmed, visibility));
    if (made) location.assign(studioPath(made.room.id));
  };

  return (
    <form className="pr-form pr-inline-form" onSubmit={submit} aria-busy={creating.pending} aria-label="Create a room">
      <label className="pr-field pr-grow">
        <span>New room</span>
        <input value={name} maxLength={ROOM_NAME_MAX} placeholder="Friday set" onChange={(e) => setName(e.target.value)} data-testid="room-name" />
        {problem && <small className="pr-field-problem">{problem}</small>}
      </label>
      <label className="pr-field">
        <span>Who may watch</span>
        <select value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)} data-testid="room-visibility">
          <option value="private">Members only (private)</option>
          <option value="public">Anyone with the link (public)</option>
        </select>
      </label>
      <button type="submit" className="pr-primary" disabled={creating.pending} data-testid="create-room">
        {creating.pending ? 'Creating…' : 'Create'}
      </button>
      <ErrorNote error={creating.error} testId="create-room-error" />
    </form>
  );
}
