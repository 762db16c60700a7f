import type { RoomRole } from '../../runtime/plugin/server';

/**
 * What `/api/rooms` answers with (server/API.md): the server's store returns these and the studio
 * reads them, so both sides import this file. Pure types and limits.
 */

export type Role = RoomRole;
export type InviteRole = Exclude<Role, 'owner'>;
export type Visibility = 'public' | 'private';

/** Longest room name, in characters. */
export const ROOM_NAME_MAX = 80;

export interface Room {
  id: string;
  name: string;
  visibility: Visibility;
  ownerId: string;
  createdAt: number;
  /** The role any signed-in account has here without joining (null: members only; the demo room: performer). */
  openRole: InviteRole | null;
}

export interface Member {
  userId: string;
  name: string;
  role: Role;
  joinedAt: number;
}

export interface Invite {
  id: string;
  role: InviteRole;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number | null;
  uses: number;
  revoked: boolean;
}
