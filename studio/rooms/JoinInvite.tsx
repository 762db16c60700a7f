import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { SignInFirst } from '../account/SignInFirst';
import { useOnline } from '../online';
import { ErrorNote } from '../ui/ErrorNote';
import { formatTimeLeft } from '../ui/format';
import { useAction } from '../ui/use-action';
import { readInviteToken, studioPath } from './invite-link';
import type { InvitePreview } from './rooms-api';

/** Paste an invite link or code, see what it is for (room and role), then join. */
export function JoinInvite({ initial }: { initial: string | undefined }) {
  const { rooms, account } = useOnline();
  const signedIn = useStore(account, (s) => s.status === 'signed-in');
  const [text, setText] = useState(initial ?? '');
  const [problem, setProblem] = useState<string>();
  const [preview, setPreview] = useState<{ token: string; invite: InvitePreview }>();
  const previewing = useAction();
  const joining = useAction();
  const { run } = previewing;

  const look = async (raw: string) => {
    const token = readInviteToken(raw);
    setPreview(undefined);
    if (!token) return setProblem('That is not an invite link or code: paste the whole link you were sent.');
    setProblem(undefined);
    const invite = await run(() => rooms.preview(token));
    if (invite) setPreview({ token, invite });
  };

  useEffect(() => {
    if (initial) void look(initial);
    // Only the invite the dialog was opened with is looked up by itself.
  }, [initial]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void look(text);
  };

  const join = async () => {
    if (!preview) return;
    const joined = await joining.run(() => rooms.join(preview.token));
    if (joined) location.assign(studioPath(joined.room.id));
  };

  return (
    <>
      <form className="pr-form pr-inline-form" onSubmit={submit} aria-busy={previewing.pending} aria-label="Look up an invite">
        <label className="pr-field pr-grow">
          <span>Invite link or code</span>
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="https://…/studio#invite=…" spellCheck={false} data-testid="invite-input" />
          {problem && <small className="pr-field-problem">{problem}</small>}
        </label>
        <button type="submit" disabled={previewing.pending} data-testid="invite-preview">
          {previewing.pending ? 'Looking…' : 'Preview'}
        </button>
      </form>
      <ErrorNote error={previewing.error} testId="invite-error" />
      {preview && (
        <section className="pr-section pr-invite-preview" data-testid="invite-preview-card" aria-label="Invite">
          <p>
            An invite to <strong data-testid="invite-room-name">{preview.invite.room.name}</strong> ({preview.invite.room.visibility} room) as{' '}
            <strong className={`pr-badge pr-role-${preview.invite.role}`} data-testid="invite-role">
              {preview.invite.role}
            </strong>
            . It expires {formatTimeLeft(preview.invite.expiresAt)}.
          </p>
          {signedIn ? (
            <button type="button" className="pr-primary" onClick={() => void join()} disabled={joining.pending} data-testid="invite-join">
              {joining.pending ? 'Joining…' : `Join as ${preview.invite.role}`}
            </button>
          ) : (
            <SignInFirst why="Joining a room needs an account." then={{ kind: 'rooms', tab: 'join', invite: preview.token }} />
          )}
          <ErrorNote error={joining.error} testId="join-error" />
        </section>
      )}
    </>
  );
}
