/**
 * The iframe's half of video sources: the renderer worker has no DOM, so `s0.initVideo()` there asks
 * this document for a `<video>`, and gets its frames back as ImageBitmaps, one in flight at a time
 * (the worker acknowledges each when it has drawn, so nothing queues when the renderer is slow).
 * Here the video's life is watched: first frame (requestVideoFrameCallback), failures classified
 * with the proxy's help and retried when transient, stalls reported.
 */
import { correlationId, mediaRequestUrl, mediaUrlHash, MEDIA_PROXY_PATH, upstreamOf } from './media-url';
import type { VideoEventName, VideoNotice, VideoReply, VideoRequest } from './protocol';
import { classifyFailure, diagnosisFromRecords, diagnosisFromResponse, MAX_RETRIES, retryDelayMs, type FailureFacts, type ProxyDiagnosis } from './video-classify';

export interface FrameVideoOptions {
  toWorker(message: VideoReply, transfer?: Transferable[]): void;
  toHost(message: VideoNotice): void;
  /** The sandbox document's URL (on the app's origin, though the document's origin is opaque). */
  pageUrl: string;
  parent: HTMLElement;
  firstFrameDeadlineMs?: number;
  stallMs?: number;
  /** Frames larger than this (longest edge) are scaled down before they cross to the worker. */
  maxEdge?: number;
}

interface LiveVideo {
  request: Extract<VideoRequest, { t: 'video-open' }>;
  cid: string;
  url: string;
  proxied: boolean;
  /** The upstream URL's hash (async: SHA-256); every notice waits for it, so they stay in order. */
  hash: Promise<string>;
  startedAt: number;
  attempt: number;
  el?: HTMLVideoElement;
  /** Where frames are copied before they cross to the worker. */
  canvas?: OffscreenCanvas;
  bound: boolean;
  firstFrame: boolean;
  inFlight: boolean;
  pending: boolean;
  lastFrameAt: number;
  stalledAt?: number;
  failing: boolean;
  closed: boolean;
  timers: Set<ReturnType<typeof setTimeout>>;
}

type VideoWithFrames = HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };

export function createFrameVideos(options: FrameVideoOptions) {
  const videos = new Map<number, LiveVideo>();
  const deadlineMs = options.firstFrameDeadlineMs ?? 20_000;
  const stallMs = options.stallMs ?? 3000;
  const maxEdge = options.maxEdge ?? 1280;
  const appOrigin = new URL(options.pageUrl).origin;

  const notice = (v: LiveVideo, name: VideoEventName, fields: VideoNotice['fields'] = {}) => {
    const common = { source: v.request.source, via_proxy: v.proxied, attempt: v.attempt };
    void v.hash.then((hash) =>
      options.toHost({
        t: 'video',
        name,
        cid: v.cid,
        program: v.request.program,
        source: v.request.source,
        url: v.request.url,
        fields: { media_url_hash: hash, ...common, ...fields },
      }),
    );
  };

  const later = (v: LiveVideo, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      v.timers.delete(timer);
      if (!v.closed) fn();
    }, ms);
    v.timers.add(timer);
  };

  function open(request: Extract<VideoRequest, { t: 'video-open' }>) {
    close(request.vid);
    const cid = correlationId();
    const target = mediaRequestUrl(request.url, options.pageUrl, cid);
    const v: LiveVideo = {
      request,
      cid,
      url: target.ok ? target.url : '',
      proxied: target.ok && target.proxied,
      hash: mediaUrlHash(upstreamOf(request.url, options.pageUrl)).catch(() => ''),
      startedAt: performance.now(),
      attempt: 0,
      bound: false,
      firstFrame: false,
      inFlight: false,
      pending: false,
      lastFrameAt: 0,
      failing: false,
      closed: false,
      timers: new Set(),
    };
    videos.set(request.vid, v);
    notice(v, 'video_init_start', { attempt: 1 });
    if (!target.ok) {
      v.attempt = 1;
      giveUp(v, 'invalid_url', target.message);
      return;
    }
    load(v);
  }

  function load(v: LiveVideo) {
    v.attempt++;
    v.failing = false;
    const el = document.createElement('video') as VideoWithFrames;
    v.el = el;
    el.muted = true;
    el.defaultMuted = true;
    el.playsInline = true;
    el.autoplay = true;
    el.loop = v.request.loop;
    el.preload = 'auto';
    el.crossOrigin = 'anonymous';
    // In the document (some browsers do not present frames of detached videos), under the canvas.
    Object.assign(el.style, { position: 'absolute', left: '0', top: '0', width: '16px', height: '16px', zIndex: '-1', pointerEvents: 'none' });
    el.addEventListener('loadedmetadata', () => {
      if (v.el === el) markBound(v, el);
    });
    el.addEventListener('error', () => {
      if (v.el !== el) return;
      void fail(v, { code: el.error?.code ?? 0, detail: el.error?.message ?? '' });
    });
    if (typeof el.requestVideoFrameCallback === 'function') {
      const onFrame = () => {
        if (v.el !== el || v.closed) return;
        el.requestVideoFrameCallback!(onFrame);
        frameArrived(v);
      };
      el.requestVideoFrameCallback(onFrame);
    } else {
      // No requestVideoFrameCallback: poll the playback position at about the frame rate.
      let lastTime = -1;
      const poll = setInterval(() => {
        if (v.el !== el || v.closed) return clearInterval(poll);
        if (el.readyState >= 2 && el.currentTime !== lastTime) {
          lastTime = el.currentTime;
          frameArrived(v);
        }
      }, 33);
    }
    el.src = v.url;
    options.parent.appendChild(el);
    el.play().catch(() => {
      // a failed load reports through the 'error' event; a refused autoplay shows as no frame
    });
    const attempt = v.attempt;
    later(v, deadlineMs, () => {
      if (!v.firstFrame && v.attempt === attempt && !v.failing) void fail(v, { timedOut: true, deadlineMs });
    });
  }

  /** The media is recognised (dimensions known): sent once, before the first frame at the latest. */
  function markBound(v: LiveVideo, el: HTMLVideoElement) {
    if (v.bound) return;
    v.bound = true;
    notice(v, 'video_init_bound', { width: el.videoWidth, height: el.videoHeight, duration_s: Number.isFinite(el.duration) ? Math.round(el.duration * 10) / 10 : -1, since_start_ms: Math.round(performance.now() - v.startedAt) });
  }

  function frameArrived(v: LiveVideo) {
    v.lastFrameAt = performance.now();
    if (v.stalledAt !== undefined) {
      notice(v, 'video_stall', { phase: 'end', stall_ms: Math.round(v.lastFrameAt - v.stalledAt + stallMs) });
      v.stalledAt = undefined;
    }
    deliver(v);
  }

  /** Sends the current frame unless one is still with the worker (then the newest goes when it is done). */
  function deliver(v: LiveVideo) {
    const el = v.el;
    if (!el || v.closed) return;
    if (v.inFlight) {
      v.pending = true;
      return;
    }
    const w = el.videoWidth;
    const h = el.videoHeight;
    if (!w || !h) return;
    const scale = Math.min(1, maxEdge / Math.max(w, h));
    const width = Math.max(1, Math.round(w * scale));
    const height = Math.max(1, Math.round(h * scale));
    // Copied through a 2D canvas (sized down here when large), so what crosses to the worker is plain
    // pixels rather than a bitmap tied to the video's decoder surface. Cost measured here in
    // Firefox at 320×240: ~5 ms a frame (createImageBitmap straight from the video: ~4 ms).
    v.canvas ??= new OffscreenCanvas(width, height);
    if (v.canvas.width !== width || v.canvas.height !== height) {
      v.canvas.width = width;
      v.canvas.height = height;
    }
    const ctx = v.canvas.getContext('2d');
    if (!ctx) return;
    let bitmap: ImageBitmap;
    try {
      ctx.drawImage(el, 0, 0, width, height);
      bitmap = v.canvas.transferToImageBitmap();
    } catch {
      return; // no decoded frame yet (the element is between states): the next callback tries again
    }
    v.inFlight = true;
    v.pending = false;
    options.toWorker({ t: 'video-frame', vid: v.request.vid, bitmap }, [bitmap]);
    if (!v.firstFrame) {
      v.firstFrame = true;
      markBound(v, el);
      notice(v, 'video_init_frame_ready', { duration_ms: Math.round(performance.now() - v.startedAt), width: w, height: h });
    }
  }

  function ack(vid: number) {
    const v = videos.get(vid);
    if (!v) return;
    v.inFlight = false;
    if (v.pending) deliver(v);
  }

  async function fail(v: LiveVideo, facts: FailureFacts) {
    if (v.failing || v.closed) return;
    v.failing = true;
    const el = v.el;
    // Stop downloading now; the last frame stays on the texture meanwhile.
    if (el) detach(el);
    v.el = undefined;
    v.inFlight = false;
    v.pending = false;
    const diagnosis = await diagnose(v);
    if (v.closed) return;
    const verdict = classifyFailure({ ...facts, ...(diagnosis ? { diagnosis } : {}) });
    const fields = errorFields(facts, diagnosis);
    if (verdict.retry && v.attempt <= MAX_RETRIES) {
      notice(v, 'video_init_error', { ...fields, error_class: verdict.errorClass, error_message: verdict.message, will_retry: true });
      later(v, retryDelayMs(v.attempt), () => load(v));
      return;
    }
    giveUp(v, verdict.errorClass, verdict.message, fields);
  }

  function giveUp(v: LiveVideo, errorClass: string, message: string, fields: VideoNotice['fields'] = {}) {
    notice(v, 'video_init_error', { ...fields, error_class: errorClass, error_message: message, will_retry: false });
    options.toWorker({ t: 'video-failed', vid: v.request.vid, message: `${message} [${errorClass}]` });
  }

  /** What the proxy knows: its record for this correlation id, else its headers for the first byte. */
  async function diagnose(v: LiveVideo): Promise<ProxyDiagnosis | undefined> {
    if (v.proxied) {
      try {
        const response = await fetch(`${appOrigin}${MEDIA_PROXY_PATH}/records/${encodeURIComponent(v.cid)}`, { credentials: 'omit', cache: 'no-store' });
        if (response.ok) {
          const found = diagnosisFromRecords(await response.json());
          if (found && (found.error || found.status)) return found;
        }
      } catch {
        // fall through to asking the proxy directly
      }
    }
    try {
      const response = await fetch(v.url, { credentials: 'omit', cache: 'no-store', headers: { Range: 'bytes=0-0' } });
      const type = response.headers.get('content-type') ?? '';
      const body = type.includes('json') ? await response.json().catch(() => undefined) : undefined;
      if (!type.includes('json')) await response.body?.cancel().catch(() => {});
      return diagnosisFromResponse(response.status, (name) => response.headers.get(name), body);
    } catch {
      return undefined;
    }
  }

  function close(vid: number) {
    const v = videos.get(vid);
    if (!v) return;
    v.closed = true;
    videos.delete(vid);
    for (const timer of v.timers) clearTimeout(timer);
    v.timers.clear();
    if (v.el) detach(v.el);
    v.el = undefined;
    v.canvas = undefined;
    notice(v, 'video_closed');
  }

  // Stalls: a playing video that presents no new frame for a while (the tab being hidden is not one).
  const watch = setInterval(() => {
    if (document.visibilityState === 'hidden') return;
    const now = performance.now();
    for (const v of videos.values()) {
      const el = v.el;
      if (!el || !v.firstFrame || v.stalledAt !== undefined || el.paused || el.ended) continue;
      if (now - v.lastFrameAt > stallMs) {
        v.stalledAt = now;
        notice(v, 'video_stall', { phase: 'start', stall_ms: Math.round(now - v.lastFrameAt), ready_state: el.readyState, network_state: el.networkState });
      }
    }
  }, 500);

  return {
    handle(message: VideoRequest) {
      if (message.t === 'video-open') open(message);
      else if (message.t === 'video-close') close(message.vid);
      else if (message.t === 'video-ack') ack(message.vid);
    },
    /** The renderer is being replaced: its videos go with it. */
    closeAll() {
      for (const vid of [...videos.keys()]) close(vid);
    },
    /** `<video>` elements alive (a video that failed for good has none left). */
    count: () => [...videos.values()].filter((v) => v.el).length,
    dispose() {
      clearInterval(watch);
      for (const vid of [...videos.keys()]) close(vid);
    },
  };
}

/** Releases a video element's media resources: pause, drop the source, load() to abort the download. */
function detach(el: HTMLVideoElement) {
  el.pause();
  el.removeAttribute('src');
  el.load();
  el.remove();
}

function errorFields(facts: FailureFacts, diagnosis: ProxyDiagnosis | undefined): VideoNotice['fields'] {
  const fields: VideoNotice['fields'] = {};
  if (facts.code) fields.media_error_code = facts.code;
  if (facts.detail) fields.media_error_detail = facts.detail.slice(0, 200);
  if (facts.timedOut) fields.timed_out = true;
  if (diagnosis?.status) fields.proxy_status = diagnosis.status;
  if (diagnosis?.upstreamStatus) fields.upstream_status = diagnosis.upstreamStatus;
  if (diagnosis?.error) fields.proxy_error = diagnosis.error;
  return fields;
}
