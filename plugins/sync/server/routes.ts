import Router from '@koa/router';
import { readObject } from '../../../runtime/plugin/request-input';
import { HttpError, requireVisitor, type RequestState, type RoomMember, type RoomRole } from '../../../runtime/plugin/server';
import { QUEUE_LIMITS, type CommandsResponse, type RoomDocuments, type RoomPresetResponse } from '../protocol';
import type { RoomDocs } from './room-docs';
import { membersRecord, type RoomQueue } from './room-queue';
import { starterPatch } from './starter-patch';

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * /api/sync: where a room's documents are (made on first use), and its queue commands. Access from
 * the caller's role in the room now (ctx.state.roomRole, from the rooms plugin).
 */
export function syncRoutes({ docs, queue }: { docs: RoomDocs; queue: RoomQueue }): Router<RequestState> {
  const router = new Router<RequestState>();

  /** The caller's role in the room; its members are read only when needed (not per command request). */
  const roomOf = (state: RequestState, roomId: string): { role: RoomRole; members: () => RoomMember[] } => {
    requireVisitor(state);
    const valid = ROOM_ID.test(roomId);
    const members = () => (valid ? (state.roomMembers?.(roomId) ?? []) : []);
    const role = valid ? (state.roomRole?.(roomId) ?? null) : null;
    if (!role) {
      // A room people made has its owner among its members: no role and no members, no such room.
      // (The demo room has no members, but everyone has a role there.)
      if (members().length === 0) throw new HttpError(404, 'room_not_found', 'No such room.');
      throw new HttpError(403, 'not_a_member', 'This room is private: join it with an invite link.');
    }
    return { role, members };
  };

  const ensureDocs = async (state: RequestState, roomId: string, members: () => RoomMember[]) =>
    docs.ofRoom(roomId) ?? docs.ensure(roomId, membersRecord(members()), starterPatch(state, roomId));

  router.get('/rooms/:roomId', async (ctx) => {
    const roomId = ctx.params.roomId!;
    const { role, members } = roomOf(ctx.state, roomId);
    const ids = await ensureDocs(ctx.state, roomId, members);
    await queue.refreshMembers(roomId, members());
    const body: RoomDocuments = { roomId, patchDocId: ids.patchDocId, stateDocId: ids.stateDocId, role };
    ctx.body = body;
  });

  router.get('/rooms/:roomId/preset', (ctx) => {
    roomOf(ctx.state, ctx.params.roomId!);
    const id = queue.activePreset(ctx.params.roomId!);
    const item = id ? ctx.state.libraryItem?.(id) : null;
    const body: RoomPresetResponse = { preset: null };
    if (item?.kind === 'preset') {
      const content = item.presetKind === 'code' ? { code: item.body } : { patch: parseJson(item.body) };
      body.preset = { id: item.id, title: item.title, presetKind: item.presetKind, ...content };
    }
    ctx.body = body;
  });

  router.post('/rooms/:roomId/commands', async (ctx) => {
    const roomId = ctx.params.roomId!;
    const { role, members } = roomOf(ctx.state, roomId);
    const fields = readObject(ctx.state.body);
    const commands = fields.commands;
    if (!Array.isArray(commands) || commands.length === 0 || commands.length > QUEUE_LIMITS.commandsPerRequest) {
      throw new HttpError(400, 'invalid_input', `commands must be a list of 1 to ${QUEUE_LIMITS.commandsPerRequest} commands.`);
    }
    const heads = readHeads(fields.stateHeads);
    await ensureDocs(ctx.state, roomId, members);
    const userId = ctx.state.user?.id ?? `guest:${ctx.state.guest!.id}`;
    const { results, events } = await queue.run(roomId, commands, { role, userId, item: (id) => ctx.state.libraryItem?.(id) ?? null });
    ctx.state.telemetry.setContext({ room_id: roomId });
    for (const { id, type, result } of events) {
      if (result.status === 'ack') ctx.state.telemetry.emit('queue_cmd_applied', id, { command_type: type, seq: result.seq });
      else ctx.state.telemetry.emit('queue_cmd_rejected', id, { command_type: type, code: result.code });
    }
    const body: CommandsResponse = { results };
    if (heads) {
      const state = await queue.stateSince(roomId, heads);
      if (state !== undefined) body.state = state;
    }
    ctx.body = body;
  });

  return router;
}

const HEAD = /^[0-9a-f]{64}$/;

/** A command request's `stateHeads` (see CommandsRequest): absent, or a short list of change hashes. */
function readHeads(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > QUEUE_LIMITS.stateHeads || !value.every((h) => typeof h === 'string' && HEAD.test(h))) {
    throw new HttpError(400, 'invalid_input', `stateHeads must be a list of 1 to ${QUEUE_LIMITS.stateHeads} change hashes (64 hex digits each).`);
  }
  return value as string[];
}

/** Stored patch JSON; the client validates it like any patch file (undefined: it says "no patch"). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
