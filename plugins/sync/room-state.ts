import { isRecord } from '../../runtime/patch/parse';
import { ROOM_STATE_FORMAT, type NowPlaying, type QueueEntry, type RoomMemberEntry, type RoomState } from './protocol';
import { storedText } from './stored-string';

/**
 * The room-state document as plain data, in either format (see RoomStateDoc), or undefined before
 * it has loaded. The server is its only writer, so values are trusted to have the right fields;
 * one that does not parse is left out rather than failing the whole room.
 *
 * Every reader reads the whole state on each change (the server's mirror before each write, each
 * studio and player after each change), so values are read once: Automerge hands out the same
 * object for a value that did not change from one version of the document to the next. What it
 * returns is frozen, being shared by every reader; an unchanged entry stays the same object.
 */
export function readRoomState(doc: unknown): RoomState | undefined {
  if (!isRecord(doc)) return undefined;
  const whole = doc.format === ROOM_STATE_FORMAT;
  const value = <T>(stored: unknown) => read(stored, whole) as T | undefined;
  const members: Record<string, RoomMemberEntry> = {};
  if (isRecord(doc.members)) {
    for (const [id, stored] of Object.entries(doc.members)) {
      const member = value<RoomMemberEntry>(stored);
      if (member) members[id] = member;
    }
  }
  return {
    roomId: storedText(doc.roomId) ?? '',
    queue: Array.isArray(doc.queue) ? doc.queue.map((stored) => value<QueueEntry>(stored)).filter((entry) => entry !== undefined) : [],
    nowPlaying: (doc.nowPlaying !== null && value<NowPlaying>(doc.nowPlaying)) || null,
    activePreset: storedText(doc.activePreset) ?? null,
    members,
    seq: typeof doc.seq === 'number' ? doc.seq : 0,
  };
}

/** Values read, by the stored object they were read from. */
const readValues = new WeakMap<object, unknown>();

function read(stored: unknown, whole: boolean): unknown {
  if (typeof stored !== 'object' || stored === null) return whole ? parsed(stored) : undefined;
  if (readValues.has(stored)) return readValues.get(stored);
  // Format 1 kept maps of text: read them the way they serialise.
  const value = frozen(whole ? parsed(stored) : JSON.parse(JSON.stringify(stored)));
  readValues.set(stored, value);
  return value;
}

function parsed(stored: unknown): unknown {
  const json = storedText(stored);
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}
