import type { RequestState, RoomRole } from '../../../runtime/plugin/server';
import type { Room, RoomStore } from './store';

const RANK: Record<RoomRole, number> = { owner: 3, performer: 2, viewer: 1 };

/** True when `role` is at least `needed` (owner > performer > viewer). */
export function atLeast(role: RoomRole | null, needed: RoomRole): boolean {
  return role !== null && RANK[role] >= RANK[needed];
}

export function stronger(a: RoomRole, b: RoomRole): RoomRole {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Who may hand out which invite: owners any role, performers viewer links only. */
export function mayInvite(role: RoomRole | null, invited: 'performer' | 'viewer'): boolean {
  return role === 'owner' || (role === 'performer' && invited === 'viewer');
}

/**
 * The caller's role in a room: their membership, else the room's open role for any signed-in
 * account, else viewer of a public room (any session, guests too), else none.
 */
export function accessRole(store: RoomStore, room: Room, state: RequestState): RoomRole | null {
  const member = state.user ? store.roleOf(room.id, state.user.id) : null;
  if (state.user && room.openRole) return member ? stronger(member, room.openRole) : room.openRole;
  if (member) return member;
  return room.visibility === 'public' && (state.user || state.guest) ? 'viewer' : null;
}
