import { createStore } from 'zustand/vanilla';
import type { ExecutorEvent } from '../../runtime/executor/executor';
import type { VideoStatus } from '../../runtime/executor/video-notice';

/** The latest status of each video the preview plays, by the URL the program gave initVideo. */
export const videoStatus = createStore<{ byUrl: Readonly<Record<string, VideoStatus>> }>(() => ({ byUrl: {} }));

export function onVideoEvent(event: ExecutorEvent): void {
  if (event.type !== 'video') return;
  const { video } = event;
  const byUrl = { ...videoStatus.getState().byUrl };
  const current = byUrl[video.url];
  if (video.state === 'closed') {
    // A replaced program's video closes after the new one started: only its own entry goes.
    if (current?.cid !== video.cid) return;
    delete byUrl[video.url];
  } else {
    // What the node shows first keeps what a later notice leaves out (how fast the first frame came).
    byUrl[video.url] = current?.cid === video.cid && current.firstFrameMs !== undefined && video.firstFrameMs === undefined ? { ...video, firstFrameMs: current.firstFrameMs } : video;
  }
  videoStatus.setState({ byUrl });
}
