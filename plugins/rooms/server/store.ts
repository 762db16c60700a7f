import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { RoomRole } from '../../../runtime/plugin/server';
import type { Invite, Member, Room } from '../api-types';
import { stronger } from './roles';

export type { Invite, Member, Room };

interface RoomRow {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  owner_id: string;
  created_at: number;
  open_role: 'performer' | 'viewer' | null;
  starter_preset: string | null;
}
interface InviteRow {
  id: string;
  room_id: string;
  role: 'performer' | 'viewer';
  created_by: string;
  created_at: number;
  expires_at: number;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
}

const toRoom = (r: RoomRow): Room => ({ id: r.id, name: r.name, visibility: r.visibility, ownerId: r.owner_id, createdAt: r.created_at, openRole: r.open_role });

/** Owner of rooms the server itself made (the demo room): no account has this id, so nobody owns them. */
export const SERVER_OWNER = 'server';
const toInvite = (r: InviteRow): Invite => ({
  id: r.id,
  role: r.role,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  maxUses: r.max_uses,
  uses: r.uses,
  revoked: r.revoked_at !== null,
});
const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** URL-safe ids: they appear in /play/<room id> and /studio/<room id>. */
const newId = (bytes: number) => randomBytes(bytes).toString('base64url');

export function roomStore(db: Database) {
  const room = db.prepare<[string], RoomRow>('SELECT * FROM rooms_rooms WHERE id = ?');
  const role = db.prepare<[string, string], { role: RoomRole }>('SELECT role FROM rooms_members WHERE room_id = ? AND user_id = ?');
  const insertRoom = db.prepare('INSERT INTO rooms_rooms (id, name, visibility, owner_id, created_at) VALUES (?, ?, ?, ?, ?)');
  const insertOpenRoom = db.prepare(
    "INSERT INTO rooms_rooms (id, name, visibility, owner_id, created_at, open_role, starter_preset) VALUES (?, ?, 'public', ?, ?, 'performer', ?) ON CONFLICT (id) DO NOTHING",
  );
  const upsertMember = db.prepare(
    `INSERT INTO rooms_members (room_id, user_id, user_name, role, joined_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role, user_name = excluded.user_name`,
  );
  const ownedCount = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM rooms_rooms WHERE owner_id = ?');
  const mine = db.prepare<[string], RoomRow & { role: RoomRole }>(
    'SELECT r.*, m.role FROM rooms_members m JOIN rooms_rooms r ON r.id = m.room_id WHERE m.user_id = ? ORDER BY r.created_at DESC, r.id',
  );
  const members = db.prepare<[string], { user_id: string; user_name: string; role: RoomRole; joined_at: number }>(
    "SELECT * FROM rooms_members WHERE room_id = ? ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'performer' THEN 1 ELSE 2 END, joined_at, user_id",
  );
  const setRole = db.prepare("UPDATE rooms_members SET role = ? WHERE room_id = ? AND user_id = ? AND role <> 'owner'");
  const removeMember = db.prepare("DELETE FROM rooms_members WHERE room_id = ? AND user_id = ? AND role <> 'owner'");
  const updateRoom = db.prepare('UPDATE rooms_rooms SET name = COALESCE(?, name), visibility = COALESCE(?, visibility) WHERE id = ?');
  const deleteRoom = db.prepare('DELETE FROM rooms_rooms WHERE id = ?');
  const insertInvite = db.prepare(
    'INSERT INTO rooms_invites (id, room_id, token_hash, role, created_by, created_at, expires_at, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const inviteByHash = db.prepare<[string], InviteRow>('SELECT * FROM rooms_invites WHERE token_hash = ?');
  const invites = db.prepare<[string], InviteRow>('SELECT * FROM rooms_invites WHERE room_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id');
  const revokeInvite = db.prepare('UPDATE rooms_invites SET revoked_at = ? WHERE id = ? AND room_id = ? AND revoked_at IS NULL');
  const useInvite = db.prepare('UPDATE rooms_invites SET uses = uses + 1 WHERE id = ?');

  return {
    room: (id: string) => {
      const row = room.get(id);
      return row && toRoom(row);
    },
    roleOf: (roomId: string, userId: string) => role.get(roomId, userId)?.role ?? null,
    ownedCount: (userId: string) => ownedCount.get(userId)!.n,
    create: db.transaction((owner: { id: string; name: string }, name: string, visibility: Room['visibility']): Room => {
      const created: Room = { id: newId(9), name, visibility, ownerId: owner.id, createdAt: Date.now(), openRole: null };
      insertRoom.run(created.id, created.name, created.visibility, created.ownerId, created.createdAt);
      upsertMember.run(created.id, owner.id, owner.name, 'owner', created.createdAt);
      return created;
    }),
    /**
     * Makes a public room, owned by no account, where every signed-in account performs and everyone
     * else watches (the demo room). Leaves an existing room with that id as it is.
     */
    ensureOpenRoom: (id: string, name: string, starterPreset: string | null) => insertOpenRoom.run(id, name, SERVER_OWNER, Date.now(), starterPreset).changes > 0,
    starterOf: (roomId: string) => room.get(roomId)?.starter_preset ?? null,
    roomsOf: (userId: string) => mine.all(userId).map((r) => ({ ...toRoom(r), role: r.role })),
    members: (roomId: string): Member[] => members.all(roomId).map((m) => ({ userId: m.user_id, name: m.user_name, role: m.role, joinedAt: m.joined_at })),
    setRole: (roomId: string, userId: string, newRole: 'performer' | 'viewer') => setRole.run(newRole, roomId, userId).changes > 0,
    removeMember: (roomId: string, userId: string) => removeMember.run(roomId, userId).changes > 0,
    update: (roomId: string, changes: { name?: string | undefined; visibility?: Room['visibility'] | undefined }) =>
      void updateRoom.run(changes.name ?? null, changes.visibility ?? null, roomId),
    delete: (roomId: string) => void deleteRoom.run(roomId),

    createInvite(roomId: string, createdBy: string, inviteRole: Invite['role'], ttlMs: number, maxUses: number | null): { invite: Invite; token: string } {
      const token = randomBytes(32).toString('base64url');
      const now = Date.now();
      const row: InviteRow = { id: newId(9), room_id: roomId, role: inviteRole, created_by: createdBy, created_at: now, expires_at: now + ttlMs, max_uses: maxUses, uses: 0, revoked_at: null };
      insertInvite.run(row.id, roomId, hash(token), inviteRole, createdBy, now, row.expires_at, maxUses);
      return { invite: toInvite(row), token };
    },
    inviteByToken(token: string): (Invite & { roomId: string }) | undefined {
      const row = inviteByHash.get(hash(token));
      return row && { ...toInvite(row), roomId: row.room_id };
    },
    invites: (roomId: string) => invites.all(roomId).map(toInvite),
    revokeInvite: (roomId: string, inviteId: string) => revokeInvite.run(Date.now(), inviteId, roomId).changes > 0,
    /**
     * Makes the user a member with the stronger of their current and the invited role. The invite
     * counts a use only when it changed something.
     */
    join: db.transaction((inviteId: string, roomId: string, user: { id: string; name: string }, invitedRole: RoomRole): RoomRole => {
      const current = role.get(roomId, user.id)?.role;
      const granted = current ? stronger(current, invitedRole) : invitedRole;
      if (granted !== current) {
        useInvite.run(inviteId);
        upsertMember.run(roomId, user.id, user.name, granted, Date.now());
      }
      return granted;
    }),
  };
}

export type RoomStore = ReturnType<typeof roomStore>;
