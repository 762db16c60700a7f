/**
 * Invite links keep the token in the URL fragment, which browsers never send to a server (so it
 * stays out of access logs): `https://host/studio#invite=<token>` (server/API.md).
 */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export function inviteLink(origin: string, token: string): string {
  return `${origin}/studio#invite=${token}`;
}

/** The token in what someone pasted: a whole invite link, a fragment, or the bare code. */
export function readInviteToken(text: string): string | undefined {
  const trimmed = text.trim();
  const fromFragment = /[#&]invite=([^&\s]+)/.exec(trimmed)?.[1];
  const candidate = fromFragment ?? trimmed;
  return TOKEN.test(candidate) ? candidate : undefined;
}

/** The audience's link: the player follows the room (public rooms need no account). */
export function audienceLink(origin: string, roomId: string): string {
  return `${origin}/play/${roomId}`;
}

export function studioPath(roomId: string): string {
  return `/studio/${encodeURIComponent(roomId)}`;
}
