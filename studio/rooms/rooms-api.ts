import type { Invite, InviteRole, Member, Role, Room, Visibility } from '../../plugins/rooms/api-types';
import type { ApiClient } from '../api/client';

export type { Invite, InviteRole, Member, Role, Room, Visibility } from '../../plugins/rooms/api-types';
export { ROOM_NAME_MAX } from '../../plugins/rooms/api-types';

export interface InvitePreview {
  room: Pick<Room, 'id' | 'name' | 'visibility'>;
  role: InviteRole;
  expiresAt: number;
}

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
