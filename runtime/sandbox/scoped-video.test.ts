import { describe, expect, it } from 'vitest';
import { ProgramScope } from './program-scope';
import type { VideoRequest } from './protocol';
import { createVideoBindings, splitVideoParams, type VideoTexture } from './scoped-video';

function fakeTexture() {
  const calls: string[] = [];
  const tex = Object.assign(
    (options: Record<string, unknown>) => {
      const data = options.data as { width: number; height: number };
      tex.width = data.width;
      tex.height = data.height;
      calls.push(`spec ${data.width}x${data.height}${options.min ? ` min=${String(options.min)}` : ''}`);
    },
    { width: 1, height: 1, subimage: () => void calls.push('sub'), destroy: () => void calls.push('destroy') },
  ) as VideoTexture;
  return { tex, calls };
}

function bitmap(width = 320, height = 240) {
  const b = { width, height, closed: false, close: () => void (b.closed = true) };
  return b as typeof b & ImageBitmap;
}

function setup(shown = () => true) {
  const sent: VideoRequest[] = [];
  const videos = createVideoBindings((m) => sent.push(m));
  const reports: unknown[] = [];
  const scope = new ProgramScope(7, (_id, failure) => reports.push(failure.error));
  scope.applying = false;
  const { tex, calls } = fakeTexture();
  const binding = videos.open({ label: 's0', url: 'https://x.org/a.mp4', loop: true, params: { min: 'linear' }, tex, owner: scope, site: new Error(), shown });
  // As scoped-sources does: the program owns the texture and the binding.
  scope.own(tex);
  scope.own(binding);
  return { sent, videos, scope, binding, calls, reports };
}

describe('video bindings (worker side)', () => {
  it('asks the iframe for the video, uploads each frame, closes the bitmap and acknowledges once a frame', () => {
    const { sent, videos, binding, calls } = setup();
    expect(sent).toEqual([{ t: 'video-open', vid: binding.vid, url: 'https://x.org/a.mp4', loop: true, source: 's0', program: 7 }]);
    const first = bitmap();
    const second = bitmap();
    videos.receive({ t: 'video-frame', vid: binding.vid, bitmap: first });
    videos.receive({ t: 'video-frame', vid: binding.vid, bitmap: second });
    expect(calls).toEqual(['spec 320x240 min=linear', 'sub']);
    expect(first.closed && second.closed).toBe(true);
    expect(videos.uploaded()).toBe(2);
    videos.flushAcks();
    videos.flushAcks();
    expect(sent.filter((m) => m.t === 'video-ack')).toEqual([{ t: 'video-ack', vid: binding.vid }]);
  });

  it('a source showing something else for now (a newer program is being applied) gets no upload, but the frame is acknowledged', () => {
    const { videos, binding, calls } = setup(() => false);
    const b = bitmap();
    videos.receive({ t: 'video-frame', vid: binding.vid, bitmap: b });
    expect(calls).toEqual([]);
    expect(b.closed).toBe(true);
  });

  it('released with its program: texture destroyed, the iframe told, later frames dropped', () => {
    const { sent, videos, scope, binding, calls } = setup();
    scope.dispose();
    expect(sent.at(-1)).toEqual({ t: 'video-close', vid: binding.vid });
    expect(videos.count()).toBe(0);
    const late = bitmap();
    videos.receive({ t: 'video-frame', vid: binding.vid, bitmap: late });
    expect(late.closed).toBe(true);
    expect(calls).toEqual(['destroy']);
  });

  it('a failure from the iframe is reported on the program, with the call and URL', () => {
    const { videos, binding, reports } = setup();
    videos.receive({ t: 'video-failed', vid: binding.vid, message: 'this browser cannot play this video (codec_unsupported).' });
    expect(String(reports[0])).toBe('Error: s0.initVideo("https://x.org/a.mp4"): this browser cannot play this video (codec_unsupported).');
  });

  it('refuses a runaway number of live videos', () => {
    const { videos } = setup();
    const { tex } = fakeTexture();
    const open = () => videos.open({ label: 's1', url: 'https://x.org/b.mp4', loop: true, params: {}, tex, owner: undefined, site: new Error(), shown: () => true });
    for (let i = 1; i < 8; i++) open();
    expect(open).toThrow(/at most 8 videos/);
  });
});

describe('splitVideoParams', () => {
  it('takes loop out and passes texture options on, minus those that would replace the frame', () => {
    expect(splitVideoParams(undefined)).toEqual({ loop: true, texture: {} });
    expect(splitVideoParams({ loop: false, min: 'linear', data: 1, shape: [2, 2] })).toEqual({ loop: false, texture: { min: 'linear' } });
    expect(() => splitVideoParams('fast')).toThrow(/params must be an object/);
  });
});
