import { ApiError } from './api-error';

/**
 * A short human headline per error code; the server's `message` follows it (server/API.md: switch on
 * `code`, show `message`). Unknown codes get a headline from their status.
 */
const HEADLINES: Record<string, string> = {
  network: 'Offline?',
  invalid_input: 'Please check the form',
  invalid_credentials: 'Could not sign in',
  username_taken: 'That name is taken',
  rate_limited: 'Too many attempts',
  unauthenticated: 'Please sign in',
  session_ended: 'Your session ended',
  token_invalid: 'Please sign in again',
  forbidden: 'Not allowed',
  not_a_member: 'Not a member',
  room_not_found: 'No such room',
  member_not_found: 'No such member',
  owner_role_fixed: 'The owner stays owner',
  owner_cannot_leave: 'The owner cannot leave',
  too_many_rooms: 'Too many rooms',
  invite_not_found: 'No such invite',
  invite_expired: 'This invite has expired',
  invite_revoked: 'This invite was withdrawn',
  invite_used_up: 'This invite is used up',
  item_not_found: 'No such library item',
  internal: 'Something broke on the server',
};

export function errorHeadline(error: ApiError): string {
  const known = HEADLINES[error.code];
  if (known) return known;
  if (error.status >= 500) return 'The server had a problem';
  if (error.status === 403) return 'Not allowed';
  if (error.status === 404) return 'Not found';
  return 'That did not work';
}

/** Any thrown value as an ApiError, so screens have one shape to show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'client', error instanceof Error ? error.message : String(error));
}
