import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useOnline } from '../online';
import { ErrorNote } from '../ui/ErrorNote';
import { useAction } from '../ui/use-action';
import type { InviteRole, Member, Role } from './rooms-api';

/** The members, owner first. The owner changes roles and removes people; anyone else may leave. */
export function MembersSection({ roomId, myRole }: { roomId: string; myRole: Role }) {
  const { rooms } = useOnline();
  const [members, setMembers] = useState<Member[]>();
  const loading = useAction();
  const { run } = loading;
  const load = useCallback(() => run(async () => setMembers(await rooms.members(roomId))), [rooms, roomId, run]);
  useEffect(() => void load(), [load]);

  return (
    <section className="pr-section" aria-label="Members" aria-busy={loading.pending}>
      <h3>
        Members {members && <small>({members.length})</small>} {loading.pending && <small className="pr-spinner" aria-label="Loading" />}
      </h3>
      <ErrorNote error={loading.error} testId="members-error" />
      <ul className="pr-list" data-testid="member-list">
        {members?.map((m) => (
          <MemberRow key={m.userId} roomId={roomId} member={m} ownerView={myRole === 'owner'} onChanged={setMembers} onRemoved={() => void load()} />
        ))}
      </ul>
    </section>
  );
}

function MemberRow({ roomId, member, ownerView, onChanged, onRemoved }: { roomId: string; member: Member; ownerView: boolean; onChanged(members: Member[]): void; onRemoved(): void }) {
  const { rooms, account } = useOnline();
  const me = useStore(account, (s) => s.user?.id) === member.userId;
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const editable = ownerView && member.role !== 'owner';

  const setRole = async (role: InviteRole) => {
    const members = await action.run(() => rooms.setRole(roomId, member.userId, role));
    if (members) onChanged(members);
  };
  const remove = async () => {
    const done = await action.run(async () => {
      await rooms.removeMember(roomId, member.userId);
      return true;
    });
    setConfirming(false);
    if (!done) return;
    // Leaving: this page's room is no longer ours; back to the local studio.
    if (me) location.assign('/studio');
    else onRemoved();
  };

  return (
    <li data-testid="member-row" data-member={member.name} aria-busy={action.pending}>
      <span className="pr-list-main">
        <strong>{member.name}</strong>
        {me && <small> (you)</small>}
      </span>
      {editable ? (
        <select aria-label={`Role of ${member.name}`} value={member.role} disabled={action.pending} onChange={(e) => void setRole(e.target.value as InviteRole)} data-testid="member-role-select">
          <option value="performer">performer</option>
          <option value="viewer">viewer</option>
        </select>
      ) : (
        <span className={`pr-badge pr-role-${member.role}`} data-testid="member-role">
          {member.role}
        </span>
      )}
      {(editable || (me && member.role !== 'owner')) &&
        (confirming ? (
          <span className="pr-confirm">
            {me ? 'Leave this room?' : `Remove ${member.name}?`}
            <button type="button" className="pr-danger" disabled={action.pending} onClick={() => void remove()} data-testid="member-remove-confirm">
              {action.pending ? 'Removing…' : 'Yes'}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              No
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} data-testid="member-remove">
            {me ? 'Leave' : 'Remove'}
          </button>
        ))}
      {action.pending && !confirming && <small className="pr-spinner" aria-label="Saving" />}
      <ErrorNote error={action.error} />
    </li>
  );
}
