import { describe, expect, it } from 'vitest';
import { readVideoNotice } from './video-notice';

const base = { t: 'video', cid: 'c1', program: 3, source: 's1', url: 'https://x.org/a.mp4' };

describe('readVideoNotice', () => {
  it('maps lifecycle names to telemetry and to what a view shows', () => {
    expect(readVideoNotice({ ...base, name: 'video_init_start', fields: {} })).toMatchObject({ telemetry: 'video_init_start', status: { state: 'loading', source: 's1', cid: 'c1', program: 3 } });
    expect(readVideoNotice({ ...base, name: 'video_init_frame_ready', fields: { duration_ms: 420 } })?.status).toMatchObject({ state: 'playing', firstFrameMs: 420 });
    expect(readVideoNotice({ ...base, name: 'video_init_error', fields: { will_retry: true, error_class: 'network' } })?.status.state).toBe('retrying');
    expect(readVideoNotice({ ...base, name: 'video_init_error', fields: { will_retry: false, error_class: 'codec_unsupported', error_message: 'no' } })?.status).toMatchObject({ state: 'error', errorClass: 'codec_unsupported', message: 'no' });
    expect(readVideoNotice({ ...base, name: 'video_stall', fields: { phase: 'start' } })?.status.state).toBe('stalled');
    const closed = readVideoNotice({ ...base, name: 'video_closed', fields: {} });
    expect(closed?.telemetry).toBeUndefined();
    expect(closed?.status.state).toBe('closed');
  });

  it('takes nothing from the sandbox as it comes: unknown names, forged context fields, nested values and long text are dropped', () => {
    expect(readVideoNotice({ ...base, name: 'auth_login_success', fields: {} })).toBeUndefined();
    expect(readVideoNotice({ ...base, source: 'window', name: 'video_init_start', fields: {} })).toBeUndefined();
    const read = readVideoNotice({
      ...base,
      name: 'video_init_start',
      fields: { user_id: 'admin', session_id: 'x', correlation_id: 'y', nested: { a: 1 }, 'Bad-Key': 1, n: Number.NaN, ok: true, text: 'x'.repeat(1000) },
    });
    expect(read?.fields).toEqual({ ok: true, text: 'x'.repeat(300) });
  });
});
