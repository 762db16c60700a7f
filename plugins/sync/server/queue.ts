import { randomBytes } from 'node:crypto';
import type { LibraryItemRef } from '../../../runtime/plugin/server';
import { QUEUE_LIMITS, type CommandRejection, type NowPlaying, type QueueCommand, type QueueEntry } from '../protocol';
import { isRecord } from './message-check';

/** A room's queue as SQLite keeps it (the truth the room-state document mirrors). */
export interface QueueState {
  queue: QueueEntry[];
  nowPlaying: NowPlaying | null;
  activePreset: string | null;
  seq: number;
}

export type Outcome = { ok: true } | { ok: false; code: CommandRejection; message: string };

export interface ApplyContext {
  userId: string;
  now: number;
  item(id: string): LibraryItemRef | null;
  newEntryId(): string;
}

export const newEntryId = () => `e_${randomBytes(9).toString('base64url')}`;

const ID = /^[A-Za-z0-9_.:-]+$/;
const TYPES = new Set(['add', 'remove', 'move', 'play_next', 'play_now', 'skip', 'clear', 'set_preset']);

/** The command's id, if it has a usable one (a command without one cannot even be answered by id). */
export function commandId(raw: unknown): string | null {
  if (!isRecord(raw) || typeof raw.id !== 'string') return null;
  return raw.id.length >= 1 && raw.id.length <= QUEUE_LIMITS.commandIdLength && ID.test(raw.id) ? raw.id : null;
}

/** Checks a command's shape: the command, or why it is not one. */
export function readCommand(raw: unknown): QueueCommand | string {
  if (!isRecord(raw) || commandId(raw) === null) return 'a command needs an id of 1–64 letters, digits or -_.:';
  if (typeof raw.type !== 'string' || !TYPES.has(raw.type)) return 'unknown command type';
  const ref = (name: string, nullable = false): string | null | undefined | false => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (value === null) return nullable ? null : false;
    return typeof value === 'string' && value.length >= 1 && value.length <= 64 && ID.test(value) ? value : false;
  };
  const id = raw.id as string;
  switch (raw.type) {
    case 'add': {
      const itemId = ref('itemId');
      const after = ref('after', true);
      if (!itemId || after === false) return 'add needs an itemId (and after: an entryId or null)';
      return after === undefined ? { id, type: 'add', itemId } : { id, type: 'add', itemId, after };
    }
    case 'move': {
      const entryId = ref('entryId');
      const after = ref('after', true);
      if (!entryId || after === false || after === undefined) return 'move needs an entryId and after (an entryId or null)';
      return { id, type: 'move', entryId, after };
    }
    case 'remove':
    case 'play_next':
    case 'play_now':
    case 'skip': {
      const entryId = ref('entryId');
      if (!entryId) return `${raw.type} needs an entryId`;
      return { id, type: raw.type, entryId };
    }
    case 'clear':
      return { id, type: 'clear' };
    case 'set_preset': {
      const presetId = ref('presetId', true);
      if (presetId === false || presetId === undefined) return 'set_preset needs a presetId (or null)';
      return { id, type: 'set_preset', presetId };
    }
  }
  return 'unknown command type';
}

const reject = (code: CommandRejection, message: string): Outcome => ({ ok: false, code, message });

/**
 * Applies one command to the queue in place. Entries are named by server-made ids and placed
 * relative to each other, so a command keeps its meaning whatever else happened meanwhile, and an
 * entry is never copied: move takes it out and puts it back.
 */
export function applyCommand(state: QueueState, command: QueueCommand, ctx: ApplyContext): Outcome {
  const { queue } = state;
  const at = (entryId: string) => queue.findIndex((entry) => entry.entryId === entryId);
  const insertAfter = (entry: QueueEntry, after: string | null | undefined): Outcome => {
    if (after === undefined) queue.push(entry);
    else if (after === null) queue.unshift(entry);
    else {
      const index = at(after);
      if (index < 0) return reject('unknown_entry', `No entry ${after} in the queue.`);
      queue.splice(index + 1, 0, entry);
    }
    return { ok: true };
  };
  const take = (entryId: string): QueueEntry | null => {
    const index = at(entryId);
    return index < 0 ? null : queue.splice(index, 1)[0]!;
  };

  switch (command.type) {
    case 'add': {
      const item = ctx.item(command.itemId);
      if (!item || item.kind !== 'media') return reject('unknown_item', `No media item ${command.itemId} in the library.`);
      if (queue.length >= QUEUE_LIMITS.entries) return reject('queue_full', `The queue holds at most ${QUEUE_LIMITS.entries} entries.`);
      const entry: QueueEntry = { entryId: ctx.newEntryId(), itemId: item.id, title: item.title, url: item.url, mime: item.mime, duration: item.duration, addedBy: ctx.userId };
      return insertAfter(entry, command.after);
    }
    case 'remove':
      return take(command.entryId) ? { ok: true } : reject('unknown_entry', `No entry ${command.entryId} in the queue.`);
    case 'move': {
      if (command.after === command.entryId) return reject('invalid', 'An entry cannot move after itself.');
      if (at(command.entryId) < 0) return reject('unknown_entry', `No entry ${command.entryId} in the queue.`);
      if (command.after !== null && at(command.after) < 0) return reject('unknown_entry', `No entry ${command.after} in the queue.`);
      const entry = take(command.entryId)!;
      return insertAfter(entry, command.after);
    }
    case 'play_next': {
      const entry = take(command.entryId);
      if (!entry) return reject('unknown_entry', `No entry ${command.entryId} in the queue.`);
      queue.unshift(entry);
      return { ok: true };
    }
    case 'play_now': {
      const entry = take(command.entryId);
      if (!entry) return reject('unknown_entry', `No entry ${command.entryId} in the queue.`);
      state.nowPlaying = { entry, startedAt: ctx.now };
      return { ok: true };
    }
    case 'skip': {
      // Names what it skips: a second skip of the same entry finds it no longer playing.
      if (state.nowPlaying?.entry.entryId !== command.entryId) return reject('not_playing', `Entry ${command.entryId} is not playing.`);
      const next = queue.shift();
      state.nowPlaying = next ? { entry: next, startedAt: ctx.now } : null;
      return { ok: true };
    }
    case 'clear':
      queue.length = 0;
      return { ok: true };
    case 'set_preset': {
      if (command.presetId !== null) {
        const item = ctx.item(command.presetId);
        if (!item || item.kind !== 'preset') return reject('unknown_item', `No preset ${command.presetId} in the library.`);
      }
      state.activePreset = command.presetId;
      return { ok: true };
    }
  }
}
