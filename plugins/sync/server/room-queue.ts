import { next as A } from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import type { Database } from 'better-sqlite3';
import type { LibraryItemRef, Logger, RoomMember, RoomRole } from '../../../runtime/plugin/server';
import { QUEUE_LIMITS, type CommandResult, type QueueCommandType, type RoomState, type RoomStateDoc } from '../protocol';
import type { DocJournal } from './journal';
import { mirrorEdits } from './mirror';
import { applyCommand, commandId, newEntryId, readCommand, type QueueState } from './queue';
import type { RoomDocs } from './room-docs';

interface StateRow {
  seq: number;
  queue: string;
  now_playing: string | null;
  active_preset: string | null;
}

export interface CommandCaller {
  role: RoomRole;
  userId: string;
  item(id: string): LibraryItemRef | null;
}

/** What happened to one command, for telemetry once the transaction committed. */
export interface CommandEvent {
  id: string;
  type: QueueCommandType | 'unknown';
  result: CommandResult;
}

export const membersRecord = (members: readonly RoomMember[]): RoomState['members'] =>
  Object.fromEntries(members.map((m) => [m.userId, { name: m.name, role: m.role }]));

/** Different heads remembered per version of a room-state document (see stateSince). */
const MAX_DELTAS_PER_VERSION = 16;

/** The changes a copy at `heads` lacks, base64 (undefined: none, heads not from this document, or too many). */
function delta(doc: A.Doc<unknown>, heads: string[]): string | undefined {
  const current = A.getHeads(doc);
  if (current.length === heads.length && current.every((h) => heads.includes(h))) return undefined;
  // Heads from another document, or from changes this server lost (a restore from backup): the socket's sync sorts that out.
  if (!A.hasHeads(doc, heads)) return undefined;
  const bytes = A.saveSince(doc, heads);
  return bytes.byteLength > QUEUE_LIMITS.stateBytes ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** How long a room's state document waits to take in more committed commands in one change. */
const MIRROR_DELAY_MS = 10;

/**
 * A room's queue: commands applied exactly once, SQLite first. Each request is one transaction that
 * checks every command id against the durable record of ids seen (a resent id gets its first
 * answer), applies the new ones and records them. Nothing is answered before commit.
 *
 * The room-state document mirrors SQLite a moment later: the requests committed within
 * MIRROR_DELAY_MS (more when the server is busy) become one change. Every client applies every
 * change, so fifty performers reconnecting with queued commands cost each of them a few changes,
 * not a hundred. A crash in between loses no command: the document is brought in line with SQLite
 * the next time it is loaded or a client joins the room.
 */
export function roomQueue(db: Database, docs: RoomDocs, journal: DocJournal, log: Logger) {
  const read = db.prepare<[string], StateRow>('SELECT seq, queue, now_playing, active_preset FROM sync_rooms WHERE room_id = ?');
  const update = db.prepare('UPDATE sync_rooms SET seq = ?, queue = ?, now_playing = ?, active_preset = ? WHERE room_id = ?');
  const seen = db.prepare<[string, string], { result_json: string }>('SELECT result_json FROM sync_commands WHERE room_id = ? AND command_id = ?');
  const record = db.prepare('INSERT INTO sync_commands (room_id, command_id, status, result_json, seq, user_id, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const reconciled = new WeakSet<DocHandle<unknown>>();
  /** stateSince's answers by version of the document (a change makes a new one) and by the heads asked from. */
  const deltas = new WeakMap<A.Doc<unknown>, Map<string, string | undefined>>();

  const stateOf = (roomId: string): QueueState => {
    const row = read.get(roomId);
    if (!row) throw new Error(`no sync_rooms row for ${roomId}`);
    return { seq: row.seq, queue: JSON.parse(row.queue), nowPlaying: row.now_playing ? JSON.parse(row.now_playing) : null, activePreset: row.active_preset };
  };

  /** Writes what the document lacks, if anything. */
  const write = (handle: DocHandle<RoomStateDoc>, roomId: string, state: QueueState | null, members?: RoomMember[]): boolean => {
    const edit = mirrorEdits(handle.doc(), roomId, state, members && membersRecord(members));
    if (edit) handle.change(edit);
    return edit !== null;
  };

  /** Brings the document in line with SQLite (after a crash between commit and storage, or lost storage). */
  const reconcile = (roomId: string, handle: DocHandle<RoomStateDoc>, members?: RoomMember[]) => {
    const state = stateOf(roomId);
    const seq = handle.doc().seq;
    if (write(handle, roomId, state, members) && seq !== state.seq) log.warn('room state document was behind the queue: reconciled', { room_id: roomId, doc_seq: seq, seq: state.seq });
  };

  /** Rooms whose document waits for the committed state. (Members are listed when they change: refreshMembers.) */
  const due = new Map<string, DocHandle<RoomStateDoc>>();
  let dueTimer: ReturnType<typeof setTimeout> | undefined;
  /** Settles once the waiting rooms are written (for answers that carry the state: see stateSince). */
  let written: { promise: Promise<void>; resolve: () => void } | undefined;
  const mirrorDue = () => {
    clearTimeout(dueTimer);
    dueTimer = undefined;
    const settled = written;
    written = undefined;
    for (const [roomId, handle] of due) {
      due.delete(roomId);
      try {
        write(handle, roomId, stateOf(roomId));
      } catch (error) {
        log.error('room state document not updated', { room_id: roomId, error: (error as Error)?.message ?? String(error) });
      }
    }
    settled?.resolve();
  };
  const mirrorSoon = (roomId: string, handle: DocHandle<RoomStateDoc>) => {
    due.set(roomId, handle);
    dueTimer ??= setTimeout(mirrorDue, MIRROR_DELAY_MS);
  };

  const queue = {
    stateOf,

    /** Writes what is waiting into the documents now (before shutting down). */
    flush: mirrorDue,

    /** Whether the room's state document has a write waiting. */
    mirroring: (roomId: string) => due.has(roomId),

    /**
     * The room-state changes a copy at `heads` lacks, once every committed command is in the
     * document (base64 of Automerge's saveSince; undefined: it lacks none, the heads are not this
     * document's, or there is more than QUEUE_LIMITS.stateBytes).
     */
    async stateSince(roomId: string, heads: readonly string[]): Promise<string | undefined> {
      if (due.has(roomId)) {
        if (!written) {
          let resolve!: () => void;
          written = { promise: new Promise<void>((r) => (resolve = r)), resolve };
        }
        await written.promise;
      }
      const doc = (await queue.stateHandle(roomId)).doc();
      // Clients that went offline together come back with the same heads: one answer serves them all.
      let answers = deltas.get(doc);
      if (!answers) deltas.set(doc, (answers = new Map()));
      const key = [...heads].sort().join();
      if (answers.has(key)) return answers.get(key);
      const answer = delta(doc, heads as string[]);
      if (answers.size < MAX_DELTAS_PER_VERSION) answers.set(key, answer);
      return answer;
    },

    /** The room's state document, loaded and (once per load) reconciled with SQLite. */
    async stateHandle(roomId: string, members?: RoomMember[]): Promise<DocHandle<RoomStateDoc>> {
      const ids = docs.ofRoom(roomId);
      if (!ids) throw new Error(`room ${roomId} has no documents`);
      const handle = journal.track(ids.stateDocId) as DocHandle<RoomStateDoc>;
      await handle.whenReady();
      if (!reconciled.has(handle)) {
        reconciled.add(handle);
        reconcile(roomId, handle, members);
      }
      return handle;
    },

    /** The members (and roles) the room-state document lists, refreshed from the rooms plugin. */
    async refreshMembers(roomId: string, members: RoomMember[]) {
      const handle = await queue.stateHandle(roomId, members);
      write(handle, roomId, null, members);
    },

    /** Applies a request's commands in order; answers one result per command. */
    async run(roomId: string, commands: readonly unknown[], caller: CommandCaller): Promise<{ results: CommandResult[]; events: CommandEvent[] }> {
      const handle = await queue.stateHandle(roomId);
      const results: CommandResult[] = [];
      const events: CommandEvent[] = [];
      const mayCommand = caller.role === 'owner' || caller.role === 'performer';
      const transaction = db.transaction(() => {
        const state = stateOf(roomId);
        let changed = false;
        const now = Date.now();
        for (const raw of commands) {
          const id = commandId(raw);
          const type = (typeof (raw as { type?: unknown })?.type === 'string' ? (raw as { type: string }).type : 'unknown') as CommandEvent['type'];
          if (id === null) {
            results.push({ id: '', status: 'rejected', code: 'invalid', message: 'A command needs an id of 1–64 letters, digits or -_.:' });
            continue;
          }
          const first = seen.get(roomId, id);
          if (first) {
            results.push(JSON.parse(first.result_json) as CommandResult);
            continue;
          }
          // Refusals that depend only on the caller or the command's shape are not recorded: a
          // resend is refused the same way, and viewers cannot fill the table.
          if (!mayCommand) {
            const result: CommandResult = { id, status: 'rejected', code: 'forbidden', message: 'Only the owner and performers manage the queue.' };
            results.push(result);
            events.push({ id, type, result });
            continue;
          }
          const command = readCommand(raw);
          if (typeof command === 'string') {
            const result: CommandResult = { id, status: 'rejected', code: 'invalid', message: command };
            results.push(result);
            events.push({ id, type, result });
            continue;
          }
          const outcome = applyCommand(state, command, { userId: caller.userId, now, item: caller.item, newEntryId });
          let result: CommandResult;
          if (outcome.ok) {
            state.seq += 1;
            changed = true;
            result = { id, status: 'ack', seq: state.seq };
          } else {
            result = { id, status: 'rejected', code: outcome.code, message: outcome.message };
          }
          record.run(roomId, id, result.status, JSON.stringify(result), outcome.ok ? state.seq : null, caller.userId, now);
          results.push(result);
          events.push({ id, type: command.type, result });
        }
        if (changed) update.run(state.seq, JSON.stringify(state.queue), state.nowPlaying && JSON.stringify(state.nowPlaying), state.activePreset, roomId);
        return changed;
      });
      if (transaction()) mirrorSoon(roomId, handle);
      return { results, events };
    },
  };
  return Object.assign(queue, {
    /** The library preset the room shows (null: its own patch, or a room without documents yet). */
    activePreset: (roomId: string): string | null => read.get(roomId)?.active_preset ?? null,
  });
}

export type RoomQueue = ReturnType<typeof roomQueue>;
