import { isRecord } from '../../runtime/patch/parse';
import { storedText } from './stored-string';
import { ROOM_STATE_FORMAT, type NowPlaying, type QueueEntry, type RoomMemberEntry, type RoomState } from './protocol';

/**
 * The room-state document as plain data, in either format (see RoomStateDoc), or undefined before
 * it has loaded. The server is its only writer, so values are trusted to have the right fields;
 * one that does not parse is left out rather than failing the whole room.
 */
export function readRoomState(doc: unknown): RoomState | undefined {
  if (!isRecord(doc)) return undefined;
  const whole = doc.format === ROOM_STATE_FORMAT;
  // Format 1 kept maps of text: read them the way they serialise.
  const value = <T>(stored: unknown): T | undefined => (whole ? parsed<T>(stored) : (plain(stored) as T | undefined));
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

function parsed<T>(stored: unknown): T | undefined {
  const json = storedText(stored);
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
