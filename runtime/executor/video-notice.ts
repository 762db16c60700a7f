import type { VideoEventName } from '../sandbox/protocol';
import type { TelemetryName } from '../telemetry/events';

/** A video source as views show it. */
export interface VideoStatus {
  cid: string;
  program: number;
  source: string;
  url: string;
  state: 'loading' | 'bound' | 'playing' | 'retrying' | 'stalled' | 'error' | 'closed';
  errorClass?: string;
  message?: string;
  /** From the start of loading to the first frame on the texture. */
  firstFrameMs?: number;
}

const NAMES: Record<VideoEventName, TelemetryName | undefined> = {
  video_init_start: 'video_init_start',
  video_init_bound: 'video_init_bound',
  video_init_frame_ready: 'video_init_frame_ready',
  video_init_error: 'video_init_error',
  video_stall: 'video_stall',
  video_closed: undefined,
};

const MAX_FIELDS = 24;
const MAX_TEXT = 300;

/**
 * Reads a video notice from the sandbox. The sandbox runs untrusted code, so nothing it sends is
 * taken as it comes: known names only, flat primitive fields, bounded sizes, and fields the
 * telemetry context owns (ids, session, user) cannot be set from here.
 */
export function readVideoNotice(message: unknown):
  | { telemetry: TelemetryName | undefined; fields: Record<string, string | number | boolean>; status: VideoStatus }
  | undefined {
  const m = message as Record<string, unknown> | null;
  if (!m || typeof m !== 'object' || typeof m.name !== 'string' || !Object.hasOwn(NAMES, m.name)) return undefined;
  const name = m.name as VideoEventName;
  const cid = text(m.cid, 64);
  const source = text(m.source, 8);
  const url = text(m.url, 2048);
  const program = typeof m.program === 'number' && Number.isInteger(m.program) ? m.program : 0;
  if (!cid || !/^s[0-3]$/.test(source)) return undefined;
  const fields: Record<string, string | number | boolean> = {};
  const raw = m.fields && typeof m.fields === 'object' ? Object.entries(m.fields as Record<string, unknown>) : [];
  for (const [key, value] of raw.slice(0, MAX_FIELDS)) {
    if (!/^[a-z][a-z0-9_]{0,40}$/.test(key) || RESERVED.has(key)) continue;
    if (typeof value === 'string') fields[key] = value.slice(0, MAX_TEXT);
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') fields[key] = value;
  }
  const status: VideoStatus = { cid, program, source, url, state: stateOf(name, fields) };
  if (typeof fields.error_class === 'string') status.errorClass = fields.error_class;
  if (typeof fields.error_message === 'string') status.message = fields.error_message;
  if (name === 'video_init_frame_ready' && typeof fields.duration_ms === 'number') status.firstFrameMs = fields.duration_ms;
  return { telemetry: NAMES[name], fields, status };
}

const RESERVED = new Set(['name', 'event_id', 'session_id', 'room_id', 'user_id', 'browser', 'platform', 'timestamp', 'correlation_id', 'preset_id', 'program_name']);

function stateOf(name: VideoEventName, fields: Record<string, unknown>): VideoStatus['state'] {
  switch (name) {
    case 'video_init_start':
      return 'loading';
    case 'video_init_bound':
      return 'bound';
    case 'video_init_frame_ready':
      return 'playing';
    case 'video_init_error':
      return fields.will_retry === true ? 'retrying' : 'error';
    case 'video_stall':
      return fields.phase === 'end' ? 'playing' : 'stalled';
    case 'video_closed':
      return 'closed';
  }
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}
