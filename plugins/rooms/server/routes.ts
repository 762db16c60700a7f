import Router from '@koa/router';
import { readChoice, readObject, readOptionalNumber, readOptionalString, readString } from '../../../runtime/plugin/request-input';
import { HttpError, requireUser, requireVisitor, type RequestState, type RoomRole } from '../../../runtime/plugin/server';
import { ROOM_NAME_MAX } from '../api-types';
import { accessRole, atLeast, mayInvite } from './roles';
import type { RoomStore } from './store';

const ROOM_NAME = { min: 1, max: ROOM_NAME_MAX };
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const INVITE_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;
const DAY = 86_400;
/** Rooms one account may own: generous for people, a ceiling for scripts. */
const MAX_OWNED_ROOMS = 200;

/**
 * /api/rooms. Every route decides access here, from the caller's role in the room, never from what
 * the client shows: owner > performer > viewer. A public room lets anyone with a session (a guest
 * too) in as a viewer; a private room only its members.
 */
export function roomRoutes(store: RoomStore): Router<RequestState> {
  const router = new Router<RequestState>();

  /** Loads the room of `/:roomId…` into ctx.state.room, or answers 401/404/403. */
  router.param('roomId', async (id, ctx, next) => {
    requireVisitor(ctx.state);
    const room = ROOM_ID.test(id) ? store.room(id) : undefined;
    if (!room) throw new HttpError(404, 'room_not_found', 'No such room.');
    const role = accessRole(store, room, ctx.state);
    if (!role) throw new HttpError(403, 'not_a_member', 'This room is private: join it with an invite link.');
    ctx.state.room = { id: room.id, role };
    return next();
  });

  const need = (state: RequestState, role: RoomRole, what: string) => {
    if (!atLeast(state.room!.role, role)) throw new HttpError(403, 'forbidden', `Only ${role === 'owner' ? 'the owner' : `${role}s`} may ${what}.`);
  };

  router.get('/', (ctx) => {
    const user = requireUser(ctx.state);
    ctx.body = { rooms: store.roomsOf(user.id) };
  });

  router.post('/', (ctx) => {
    const user = requireUser(ctx.state);
    const body = readObject(ctx.state.body);
    const name = readString(body, 'name', ROOM_NAME);
    const visibility = readChoice(body, 'visibility', ['public', 'private'] as const, 'private');
    if (store.ownedCount(user.id) >= MAX_OWNED_ROOMS) throw new HttpError(409, 'too_many_rooms', `An account may own at most ${MAX_OWNED_ROOMS} rooms.`);
    ctx.status = 201;
    ctx.body = { room: store.create(user, name, visibility), role: 'owner' };
  });

  router.post('/join', (ctx) => {
    const user = requireUser(ctx.state);
    const invite = usableInvite(store, readInviteToken(ctx.state.body));
    const role = store.join(invite.id, invite.roomId, user, invite.role);
    ctx.state.roomMembersChanged?.(invite.roomId);
    ctx.body = { room: store.room(invite.roomId), role };
  });

  // A POST so the token travels in the body: paths end up in access logs, and an invite token is a key.
  router.post('/invites/preview', (ctx) => {
    const invite = usableInvite(store, readInviteToken(ctx.state.body));
    const room = store.room(invite.roomId)!;
    ctx.body = { room: { id: room.id, name: room.name, visibility: room.visibility }, role: invite.role, expiresAt: invite.expiresAt };
  });

  router.get('/:roomId', (ctx) => {
    const { id, role } = ctx.state.room!;
    ctx.body = { room: store.room(id), role, member: ctx.state.user ? store.roleOf(id, ctx.state.user.id) !== null : false };
  });

  router.patch('/:roomId', (ctx) => {
    need(ctx.state, 'owner', 'change the room');
    const body = readObject(ctx.state.body);
    const name = readOptionalString(body, 'name', ROOM_NAME);
    const visibility = body.visibility === undefined ? undefined : readChoice(body, 'visibility', ['public', 'private'] as const);
    store.update(ctx.state.room!.id, { name, visibility });
    ctx.body = { room: store.room(ctx.state.room!.id), role: 'owner' };
  });

  router.delete('/:roomId', (ctx) => {
    need(ctx.state, 'owner', 'delete the room');
    store.delete(ctx.state.room!.id);
    ctx.status = 204;
  });

  router.get('/:roomId/members', (ctx) => {
    const user = requireUser(ctx.state);
    if (store.roleOf(ctx.state.room!.id, user.id) === null) throw new HttpError(403, 'not_a_member', 'Only members see who else is in the room.');
    ctx.body = { members: store.members(ctx.state.room!.id) };
  });

  router.patch('/:roomId/members/:userId', (ctx) => {
    need(ctx.state, 'owner', 'change roles');
    const role = readChoice(readObject(ctx.state.body), 'role', ['performer', 'viewer'] as const);
    const target = ctx.params.userId ?? '';
    if (target === ctx.state.user!.id) throw new HttpError(409, 'owner_role_fixed', 'The owner keeps the owner role.');
    if (!store.setRole(ctx.state.room!.id, target, role)) throw new HttpError(404, 'member_not_found', 'No such member.');
    ctx.state.roomMembersChanged?.(ctx.state.room!.id);
    ctx.body = { members: store.members(ctx.state.room!.id) };
  });

  router.delete('/:roomId/members/:userId', (ctx) => {
    const user = requireUser(ctx.state);
    const target = ctx.params.userId ?? '';
    const self = target === user.id;
    if (!self) need(ctx.state, 'owner', 'remove members');
    if (self && ctx.state.room!.role === 'owner') throw new HttpError(409, 'owner_cannot_leave', 'The owner cannot leave the room; delete it instead.');
    if (!store.removeMember(ctx.state.room!.id, target)) throw new HttpError(404, 'member_not_found', 'No such member.');
    ctx.state.roomMembersChanged?.(ctx.state.room!.id);
    ctx.status = 204;
  });

  router.get('/:roomId/invites', (ctx) => {
    need(ctx.state, 'owner', 'see the invite links');
    ctx.body = { invites: store.invites(ctx.state.room!.id) };
  });

  router.post('/:roomId/invites', (ctx) => {
    const user = requireUser(ctx.state);
    const body = readObject(ctx.state.body);
    const role = readChoice(body, 'role', ['performer', 'viewer'] as const);
    if (!mayInvite(ctx.state.room!.role, role)) {
      throw new HttpError(403, 'forbidden', role === 'performer' ? 'Only the owner may invite performers.' : 'Only performers and the owner may invite viewers.');
    }
    const ttl = readOptionalNumber(body, 'expiresIn', { min: 60, max: 30 * DAY, integer: true }) ?? 7 * DAY;
    const maxUses = readOptionalNumber(body, 'maxUses', { min: 1, max: 10_000, integer: true }) ?? null;
    const { invite, token } = store.createInvite(ctx.state.room!.id, user.id, role, ttl * 1000, maxUses);
    ctx.status = 201;
    ctx.body = { invite, token };
  });

  router.delete('/:roomId/invites/:inviteId', (ctx) => {
    need(ctx.state, 'owner', 'revoke invite links');
    if (!store.revokeInvite(ctx.state.room!.id, ctx.params.inviteId ?? '')) throw new HttpError(404, 'invite_not_found', 'No such invite link.');
    ctx.status = 204;
  });

  return router;
}

function readInviteToken(body: unknown): string {
  return readString(readObject(body), 'token', { min: 20, max: 100, pattern: INVITE_TOKEN, hint: 'the characters of an invite token' });
}

/** The invite behind a token, if it can still be used; else a 404 or 410 saying why not. */
function usableInvite(store: RoomStore, token: string) {
  const invite = store.inviteByToken(token);
  if (!invite) throw new HttpError(404, 'invite_not_found', 'This invite link is not valid.');
  if (invite.revoked) throw new HttpError(410, 'invite_revoked', 'This invite link was withdrawn.');
  if (invite.expiresAt <= Date.now()) throw new HttpError(410, 'invite_expired', 'This invite link has expired.');
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) throw new HttpError(410, 'invite_used_up', 'This invite link has been used up.');
  return invite;
}
