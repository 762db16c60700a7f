import { beforeEach, describe, expect, it } from 'vitest';
import type { VideoStatus } from '../../runtime/executor/video-notice';
import { onVideoEvent, videoStatus } from './video-status';

const URL_A = 'https://archive.org/download/clip/a.mp4';
const status = (patch: Partial<VideoStatus>): VideoStatus => ({ cid: 'c1', program: 1, source: 's0', url: URL_A, state: 'loading', ...patch });

describe('video status for the node views', () => {
  beforeEach(() => videoStatus.setState({ byUrl: {} }));

  it('follows a video from loading to playing, keeping how fast its first frame came', () => {
    onVideoEvent({ type: 'video', video: status({ state: 'loading' }) });
    expect(videoStatus.getState().byUrl[URL_A]?.state).toBe('loading');
    onVideoEvent({ type: 'video', video: status({ state: 'playing', firstFrameMs: 310 }) });
    onVideoEvent({ type: 'video', video: status({ state: 'stalled' }) });
    onVideoEvent({ type: 'video', video: status({ state: 'playing' }) });
    expect(videoStatus.getState().byUrl[URL_A]).toMatchObject({ state: 'playing', firstFrameMs: 310 });
  });

  it('a replaced program closing its video does not erase the new program playing the same URL', () => {
    onVideoEvent({ type: 'video', video: status({ cid: 'old', state: 'playing' }) });
    onVideoEvent({ type: 'video', video: status({ cid: 'new', state: 'loading', program: 2 }) });
    onVideoEvent({ type: 'video', video: status({ cid: 'old', state: 'closed' }) });
    expect(videoStatus.getState().byUrl[URL_A]).toMatchObject({ cid: 'new', state: 'loading' });
    onVideoEvent({ type: 'video', video: status({ cid: 'new', state: 'closed' }) });
    expect(videoStatus.getState().byUrl[URL_A]).toBeUndefined();
  });

  it('keeps the error class and message of a failure; ignores other executor events', () => {
    onVideoEvent({ type: 'video', video: status({ state: 'error', errorClass: 'codec_unsupported', message: 'this browser cannot play it' }) });
    onVideoEvent({ type: 'state', state: 'running' });
    expect(videoStatus.getState().byUrl[URL_A]).toMatchObject({ state: 'error', errorClass: 'codec_unsupported' });
  });
});
