import { useEffect } from 'react';
import { useStore } from 'zustand';
import { SignInFirst } from '../account/SignInFirst';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import { copyToClipboard } from '../ui/copy';
import { Dialog } from '../ui/Dialog';
import { ErrorNote } from '../ui/ErrorNote';
import { audienceLink } from './invite-link';
import { InvitesSection } from './InvitesSection';
import { MembersSection } from './MembersSection';
import { RoomSettings } from './RoomSettings';

/**
 * The room of this page: who is in it with which role, and for its owner the controls (roles,
 * removal, invites, name, visibility). Others see the list read-only; the server checks anyway.
 */
export function RoomDialog() {
  const { dialogs } = useOnline();
  const open = useStore(dialogs, (s) => s.open?.kind === 'room');
  if (!open) return null;
  return (
    <Dialog title="Room" onClose={() => dialogs.close()} testId="room-dialog">
      <RoomBody />
      <p className="pr-dialog-foot">
        <button type="button" className="pr-link" onClick={() => dialogs.show({ kind: 'rooms' })} data-testid="to-rooms">
          My rooms, a new room, or join another…
        </button>
      </p>
    </Dialog>
  );
}

function RoomBody() {
  const { account, currentRoom } = useOnline();
  const signedIn = useStore(account, (s) => s.status === 'signed-in');
  const { room, role, member, loading, error } = useStore(currentRoom);
  // Fresh on every opening: roles may have changed since.
  useEffect(() => {
    if (signedIn) void currentRoom.load();
  }, [signedIn, currentRoom]);

  if (!signedIn) return <SignInFirst why="Sign in to see this room and its members." then={{ kind: 'room' }} />;
  if (!room || !role) {
    return (
      <div aria-busy={loading}>
        {loading && <p className="pr-loading">Loading the room…</p>}
        <ErrorNote error={error} testId="room-error" />
      </div>
    );
  }
  return (
    <div className="pr-room-body" aria-busy={loading} data-role={role}>
      <p className="pr-room-summary">
        <strong data-testid="room-title">{room.name}</strong> <span className="pr-badge">{room.visibility}</span> — you are{' '}
        <span className={`pr-badge pr-role-${role}`} data-testid="my-role">
          {role}
        </span>
        {!member && ' (visiting a public room)'}
      </p>
      <AudienceLink roomId={room.id} isPublic={room.visibility === 'public'} />
      {role === 'owner' && <RoomSettings room={room} />}
      {member ? <MembersSection roomId={room.id} myRole={role} /> : <p className="pr-empty">Only members see who else is in the room.</p>}
      {(role === 'owner' || role === 'performer') && <InvitesSection roomId={room.id} myRole={role} />}
      <ErrorNote error={error} testId="room-error" />
    </div>
  );
}

function AudienceLink({ roomId, isPublic }: { roomId: string; isPublic: boolean }) {
  const { ui } = useStudio();
  const link = audienceLink(location.origin, roomId);
  return (
    <div className="pr-copy-row">
      <label className="pr-field pr-grow">
        <span>Audience link {isPublic ? '(anyone can watch)' : '(members only while the room is private)'}</span>
        <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} data-testid="audience-link" />
      </label>
      <button type="button" onClick={() => void copyToClipboard(link, 'Audience link', ui)} data-testid="copy-audience-link">
        Copy
      </button>
    </div>
  );
}
