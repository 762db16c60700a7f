import type { ProgramScope } from './program-scope';
import type { VideoReply, VideoRequest } from './protocol';

/** The regl texture calls used here (regl re-specifies a texture in place when called). */
export interface VideoTexture {
  (options: Record<string, unknown>): unknown;
  subimage(data: unknown): unknown;
  destroy(): void;
  width: number;
  height: number;
}

/** One video source of one program: a `<video>` in the iframe, a texture here. Released with its program. */
export interface VideoBinding {
  readonly vid: number;
  readonly tex: VideoTexture;
  close(): void;
}

interface Live extends VideoBinding {
  label: string;
  url: string;
  params: Record<string, unknown>;
  owner: ProgramScope | undefined;
  site: Error;
  /** The source still shows this video (a newer program may have rebound or blanked it for now). */
  shown(): boolean;
  closed: boolean;
}

/**
 * The worker's half of video sources (the iframe's half is frame-video.ts). Frames arrive as
 * ImageBitmaps, are uploaded into the binding's texture and closed at once; each is acknowledged on
 * the next animation frame, which paces the iframe to the render rate with one frame in flight.
 */
/** Enough for s0–s3 of a running program and of one being applied; more is a runaway loop. */
export const MAX_LIVE_VIDEOS = 8;

export function createVideoBindings(post: (message: VideoRequest) => void) {
  let nextVid = 1;
  const live = new Map<number, Live>();
  const toAck = new Set<number>();
  let uploaded = 0;

  function open(options: {
    label: string;
    url: string;
    loop: boolean;
    params: Record<string, unknown>;
    tex: VideoTexture;
    owner: ProgramScope | undefined;
    site: Error;
    shown: () => boolean;
  }): VideoBinding {
    if (live.size >= MAX_LIVE_VIDEOS) throw new RangeError(`${options.label}.initVideo(): at most ${MAX_LIVE_VIDEOS} videos can play at once.`);
    const vid = nextVid++;
    const binding: Live = {
      vid,
      tex: options.tex,
      label: options.label,
      url: options.url,
      params: options.params,
      owner: options.owner,
      site: options.site,
      shown: options.shown,
      closed: false,
      close() {
        if (binding.closed) return;
        binding.closed = true;
        live.delete(vid);
        toAck.delete(vid);
        post({ t: 'video-close', vid });
      },
    };
    live.set(vid, binding);
    post({ t: 'video-open', vid, url: options.url, loop: options.loop, source: options.label, program: options.owner?.id ?? 0 });
    return binding;
  }

  function receive(message: VideoReply): void {
    const binding = live.get(message.vid);
    if (message.t === 'video-frame') {
      try {
        if (!binding) return;
        toAck.add(binding.vid);
        if (binding.shown()) upload(binding, message.bitmap);
      } catch (error) {
        binding?.owner?.resolve().fail(error, binding.site);
      } finally {
        message.bitmap.close();
      }
    } else if (message.t === 'video-failed' && binding) {
      binding.owner?.resolve().fail(new Error(`${binding.label}.initVideo(${JSON.stringify(binding.url.slice(0, 120))}): ${message.message}`), binding.site);
    }
  }

  function upload(binding: Live, bitmap: ImageBitmap) {
    const { tex } = binding;
    if (tex.width !== bitmap.width || tex.height !== bitmap.height) tex({ data: bitmap, ...binding.params });
    else tex.subimage(bitmap);
    uploaded++;
  }

  return {
    open,
    receive,
    /** Called once per animation frame: lets the iframe send the next frame of each video drawn. */
    flushAcks() {
      for (const vid of toAck) post({ t: 'video-ack', vid });
      toAck.clear();
    },
    count: () => live.size,
    /** Video frames put on textures so far (tests watch it rise). */
    uploaded: () => uploaded,
  };
}

export type VideoBindings = ReturnType<typeof createVideoBindings>;

/** Options of `initVideo(url, params)` that are about the video; the rest are regl texture options (as in hydra). */
export function splitVideoParams(params: unknown): { loop: boolean; texture: Record<string, unknown> } {
  if (params === undefined || params === null) return { loop: true, texture: {} };
  if (typeof params !== 'object' || Array.isArray(params)) throw new TypeError('initVideo(url, params): params must be an object, e.g. { loop: false }.');
  const { loop, ...texture } = params as Record<string, unknown>;
  // Texture options that would make regl read something other than the frame are not passed on.
  for (const key of ['data', 'shape', 'width', 'height', 'radius', 'copy']) delete texture[key];
  return { loop: loop === undefined ? true : Boolean(loop), texture };
}
