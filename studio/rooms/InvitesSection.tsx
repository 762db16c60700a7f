import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import { copyToClipboard } from '../ui/copy';
import { ErrorNote } from '../ui/ErrorNote';
import { formatTimeLeft } from '../ui/format';
import { useAction } from '../ui/use-action';
import { inviteLink } from './invite-link';
import type { Invite, InviteRole, Role } from './rooms-api';

const EXPIRY_CHOICES: Array<[seconds: number, label: string]> = [
  [3_600, '1 hour'],
  [86_400, '1 day'],
  [604_800, '7 days'],
  [2_592_000, '30 days'],
];
const USES_CHOICES: Array<[uses: number | undefined, label: string]> = [
  [undefined, 'any number of people'],
  [1, '1 person'],
  [10, '10 people'],
  [100, '100 people'],
];

/** Invite links: the owner makes performer and viewer links, lists and withdraws them; performers make viewer links. */
export function InvitesSection({ roomId, myRole }: { roomId: string; myRole: Extract<Role, 'owner' | 'performer'> }) {
  const { rooms } = useOnline();
  const isOwner = myRole === 'owner';
  const [invites, setInvites] = useState<Invite[]>();
  const listing = useAction();
  const { run } = listing;
  const load = useCallback(() => (isOwner ? run(async () => setInvites(await rooms.invites(roomId))) : Promise.resolve(undefined)), [isOwner, rooms, roomId, run]);
  useEffect(() => void load(), [load]);

  return (
    <section className="pr-section" aria-label="Invites" data-testid="invites">
      <h3>Invite links {listing.pending && <small className="pr-spinner" aria-label="Loading" />}</h3>
      <CreateInvite roomId={roomId} isOwner={isOwner} onCreated={() => void load()} />
      <ErrorNote error={listing.error} />
      {isOwner && invites && (
        <ul className="pr-list" data-testid="invite-list">
          {invites.length === 0 && <li className="pr-empty">No open invite links.</li>}
          {invites.map((invite) => (
            <InviteRow key={invite.id} roomId={roomId} invite={invite} onWithdrawn={() => setInvites((list) => list?.filter((i) => i.id !== invite.id))} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateInvite({ roomId, isOwner, onCreated }: { roomId: string; isOwner: boolean; onCreated(): void }) {
  const { rooms } = useOnline();
  const { ui } = useStudio();
  const [role, setRole] = useState<InviteRole>(isOwner ? 'performer' : 'viewer');
  const [expiresIn, setExpiresIn] = useState(604_800);
  const [maxUses, setMaxUses] = useState<number>();
  const [made, setMade] = useState<{ link: string; role: InviteRole }>();
  const creating = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const answer = await creating.run(() => rooms.createInvite(roomId, { role, expiresIn, ...(maxUses ? { maxUses } : {}) }));
    if (!answer) return;
    setMade({ link: inviteLink(location.origin, answer.token), role: answer.invite.role });
    onCreated();
  };

  return (
    <>
      <form className="pr-form pr-inline-form" onSubmit={submit} aria-busy={creating.pending} aria-label="Make an invite link">
        <label className="pr-field">
          <span>Role</span>
          <select value={role} disabled={!isOwner} onChange={(e) => setRole(e.target.value as InviteRole)} data-testid="invite-role-select">
            {isOwner && <option value="performer">performer (edits the patch)</option>}
            <option value="viewer">viewer (watches)</option>
          </select>
        </label>
        <label className="pr-field">
          <span>Expires after</span>
          <select value={expiresIn} onChange={(e) => setExpiresIn(Number(e.target.value))} data-testid="invite-expiry-select">
            {EXPIRY_CHOICES.map(([seconds, label]) => (
              <option key={seconds} value={seconds}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="pr-field">
          <span>For</span>
          <select value={maxUses ?? ''} onChange={(e) => setMaxUses(e.target.value ? Number(e.target.value) : undefined)} data-testid="invite-uses-select">
            {USES_CHOICES.map(([uses, label]) => (
              <option key={label} value={uses ?? ''}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="pr-primary" disabled={creating.pending} data-testid="invite-create">
          {creating.pending ? 'Making…' : 'Make link'}
        </button>
      </form>
      <ErrorNote error={creating.error} testId="invite-create-error" />
      {made && (
        <div className="pr-copy-row" data-testid="invite-made">
          <label className="pr-field pr-grow">
            <span>New {made.role} link: shown only now, copy it</span>
            <input readOnly value={made.link} onFocus={(e) => e.currentTarget.select()} data-testid="invite-link" />
          </label>
          <button type="button" onClick={() => void copyToClipboard(made.link, 'Invite link', ui)} data-testid="copy-invite-link">
            Copy
          </button>
        </div>
      )}
    </>
  );
}

function InviteRow({ roomId, invite, onWithdrawn }: { roomId: string; invite: Invite; onWithdrawn(): void }) {
  const { rooms } = useOnline();
  const withdrawing = useAction();
  const withdraw = async () => {
    const done = await withdrawing.run(async () => {
      await rooms.withdrawInvite(roomId, invite.id);
      return true;
    });
    if (done) onWithdrawn();
  };
  return (
    <li data-testid="invite-row" aria-busy={withdrawing.pending}>
      <span className={`pr-badge pr-role-${invite.role}`}>{invite.role}</span>
      <span className="pr-list-main">
        expires {formatTimeLeft(invite.expiresAt)} · used {invite.uses}
        {invite.maxUses !== null ? ` of ${invite.maxUses}` : ''}
      </span>
      <button type="button" onClick={() => void withdraw()} disabled={withdrawing.pending} data-testid="invite-withdraw">
        {withdrawing.pending ? 'Withdrawing…' : 'Withdraw'}
      </button>
      <ErrorNote error={withdrawing.error} />
    </li>
  );
}
