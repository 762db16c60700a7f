import type { ProgramScope } from './program-scope';
import { splitVideoParams, type VideoBindings, type VideoTexture } from './scoped-video';

/** The parts of a hydra source (s0–s3) this module touches. */
export interface HydraSourceLike {
  label: string;
  src: unknown;
  tex: { destroy(): void; width: number; height: number };
  dynamic: boolean;
  regl: { texture(options: Record<string, unknown>): HydraSourceLike['tex'] };
  [method: string]: unknown;
}

export interface SourceState {
  src: unknown;
  tex: HydraSourceLike['tex'];
  dynamic: boolean;
}

const ALLOWED_URL = /^(https?:|data:image\/|blob:)/i;
const MAX_CANVAS = 4096;

/**
 * Replaces hydra's source initialisers, which reach for the DOM (there is none in the renderer
 * worker) and leak a texture on every call. Here every texture and bitmap belongs to the program
 * that made it and is released with it; images are fetched without credentials.
 */
export function installScopedSources(
  sources: HydraSourceLike[],
  scope: () => ProgramScope | undefined,
  notice: (message: string) => void,
  videos?: VideoBindings,
) {
  const blank = sources[0]!.regl.texture({ shape: [1, 1] });

  const setTexture = (s: HydraSourceLike, src: unknown, params: Record<string, unknown> | undefined, dynamic: boolean, owner = scope()) => {
    const tex = s.regl.texture({ data: src, ...(params ?? {}) });
    owner?.own(tex);
    releaseCurrent(s, owner);
    s.src = src;
    s.tex = tex;
    s.dynamic = dynamic;
  };

  /** What the source showed until now, if the same program made it (a program's older things go with it). */
  const releaseCurrent = (s: HydraSourceLike, owner: ProgramScope | undefined) => {
    if (owner?.owns(s.tex)) owner.release(s.tex);
    if (s.src && owner?.owns(s.src)) owner.release(s.src as never);
  };

  for (const s of sources) {
    s.init = (opts: { src?: unknown; dynamic?: boolean } = {}, params?: Record<string, unknown>) => {
      if (opts && 'src' in opts) {
        if (!isTextureSource(opts.src)) {
          throw new TypeError(`${s.label}.init({ src }) needs an ImageBitmap, ImageData or OffscreenCanvas in Patchroom's renderer.`);
        }
        setTexture(s, opts.src, params, 'dynamic' in opts ? Boolean(opts.dynamic) : s.dynamic);
      } else if (opts && 'dynamic' in opts) {
        s.dynamic = Boolean(opts.dynamic);
      }
    };

    s.initImage = (url = '', params?: Record<string, unknown>) => {
      const owner = scope();
      if (!ALLOWED_URL.test(String(url))) throw new TypeError(`${s.label}.initImage() needs an http(s), data:image or blob: URL; got ${JSON.stringify(String(url)).slice(0, 80)}.`);
      const site = new Error();
      fetch(String(url), { credentials: 'omit', mode: 'cors' })
        .then((response) => {
          if (!response.ok) throw new Error(`${s.label}.initImage(): the image answered HTTP ${response.status}.`);
          return response.blob();
        })
        .then((blob) => createImageBitmap(blob))
        .then((bitmap) => {
          const now = owner?.resolve();
          if (!now?.alive) {
            bitmap.close();
            return;
          }
          now.own(bitmap);
          // The image arrives after its program may have become the running one: it belongs to that program.
          setTexture(s, bitmap, params, false, now);
        })
        .catch((error: unknown) => owner?.fail(new Error(`${s.label}.initImage() could not load the image: ${(error as Error).message}`), site));
    };

    s.initCanvas = (width = 1000, height = 1000) => {
      const w = Math.round(Number(width));
      const h = Math.round(Number(height));
      if (!(w >= 1 && w <= MAX_CANVAS && h >= 1 && h <= MAX_CANVAS)) {
        throw new RangeError(`${s.label}.initCanvas(width, height) takes sizes from 1 to ${MAX_CANVAS}.`);
      }
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error(`${s.label}.initCanvas(): no 2D context available.`);
      setTexture(s, canvas, undefined, true);
      return ctx;
    };

    const unsupported = (what: string) => () => {
      notice(`${s.label}.${what}() is not available in the sandboxed renderer yet; ${s.label} stays blank. Use a video input node instead.`);
    };
    s.initVideo = (url: unknown = '', params?: unknown) => {
      if (!videos) return unsupported('initVideo')();
      if (typeof url !== 'string' || url.trim() === '') throw new TypeError(`${s.label}.initVideo(url) needs the video's URL as a string; got ${JSON.stringify(url)?.slice(0, 80) ?? String(url)}.`);
      if (!/^(https?:\/\/|\/)/i.test(url.trim())) throw new TypeError(`${s.label}.initVideo() needs an http(s) URL; got ${JSON.stringify(url.slice(0, 80))}.`);
      const { loop, texture } = splitVideoParams(params);
      const owner = scope();
      const site = new Error();
      const tex = owner ? owner.own(s.regl.texture({ shape: [1, 1] }) as unknown as VideoTexture) : (s.regl.texture({ shape: [1, 1] }) as unknown as VideoTexture);
      const binding = videos.open({ label: s.label, url: url.trim(), loop, params: texture, tex, owner, site, shown: () => s.src === binding });
      owner?.own(binding);
      releaseCurrent(s, owner);
      // The texture stays black until the first frame; the source is not "dynamic" for hydra,
      // whose tick would re-upload src every frame: frames are uploaded as they arrive.
      s.src = binding;
      s.tex = tex;
      s.dynamic = false;
    };
    s.initCam = unsupported('initCam');
    s.initScreen = unsupported('initScreen');
    s.initStream = unsupported('initStream');

    s.clear = () => {
      releaseCurrent(s, scope());
      s.src = null;
      s.tex = blank;
      s.dynamic = false;
    };
  }

  return {
    blank,
    snapshot: (): SourceState[] => sources.map((s) => ({ src: s.src, tex: s.tex, dynamic: s.dynamic })),
    restore(states: SourceState[]) {
      states.forEach((state, i) => Object.assign(sources[i]!, state));
    },
    /** Points every source at the blank texture without releasing anything (the old program still owns it). */
    blankAll() {
      for (const s of sources) {
        s.src = null;
        s.tex = blank;
        s.dynamic = false;
      }
    },
  };
}

function isTextureSource(value: unknown): boolean {
  return (
    (typeof ImageBitmap !== 'undefined' && value instanceof ImageBitmap) ||
    (typeof ImageData !== 'undefined' && value instanceof ImageData) ||
    (typeof OffscreenCanvas !== 'undefined' && value instanceof OffscreenCanvas)
  );
}
