import type { ApiClient } from '../api/client';

export type Role = 'owner' | 'performer' | 'viewer';
export type InviteRole = Exclude<Role, 'owner'>;
export type Visibility = 'public' | 'private';

export interface Room {
  id: string;
  name: string;
  visibility: Visibility;
  ownerId: string;
  createdAt: number;
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

export interface InvitePreview {
  room: Pick<Room, 'id' | 'name' | 'visibility'>;
  role: InviteRole;
  expiresAt: number;
}

export const ROOM_NAME_MAX = 80;

const room = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;

/** /api/rooms (server/API.md): the server checks every role; the screens only hide what would be refused. */
export function roomsApi(api: ApiClient) {
  return {
    mine: async () => (await api.get<{ rooms: Array<Room & { role: Role }> }>('/api/rooms')).rooms,
    create: (name: string, visibility: Visibility) => api.post<{ room: Room; role: Role }>('/api/rooms', { name, visibility }),
    get: (id: string) => api.get<{ room: Room; role: Role; member: boolean }>(room(id)),
    update: (id: string, change: { name?: string; visibility?: Visibility }) => api.patch<{ room: Room; role: Role }>(room(id), change),
    members: async (id: string) => (await api.get<{ members: Member[] }>(`${room(id)}/members`)).members,
    setRole: async (id: string, userId: string, role: InviteRole) =>
      (await api.patch<{ members: Member[] }>(`${room(id)}/members/${encodeURIComponent(userId)}`, { role })).members,
    removeMember: (id: string, userId: string) => api.delete(`${room(id)}/members/${encodeURIComponent(userId)}`),
    invites: async (id: string) => (await api.get<{ invites: Invite[] }>(`${room(id)}/invites`)).invites,
    createInvite: (id: string, invite: { role: InviteRole; expiresIn: number; maxUses?: number }) => api.post<{ invite: Invite; token: string }>(`${room(id)}/invites`, invite),
    withdrawInvite: (id: string, inviteId: string) => api.delete(`${room(id)}/invites/${encodeURIComponent(inviteId)}`),
    preview: (token: string) => api.post<InvitePreview>('/api/rooms/invites/preview', { token }),
    join: (token: string) => api.post<{ room: Room; role: Role }>('/api/rooms/join', { token }),
  };
}

export type RoomsApi = ReturnType<typeof roomsApi>;
