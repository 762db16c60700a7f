import { useStore } from 'zustand';
import type { NodeViewProps } from '../../runtime/plugin/types';
import { videoStatus } from './video-status';

const LABELS = {
  loading: 'loading…',
  bound: 'loading…',
  playing: 'playing',
  retrying: 'retrying…',
  stalled: 'stalled (no new frame for 3 s)',
  error: 'failed',
  closed: '',
} as const;

/** The video node's body: how its video is doing in the preview (loading, playing, why it failed). */
export function VideoView({ params }: NodeViewProps) {
  const url = typeof params.url === 'string' ? params.url.trim() : '';
  const status = useStore(videoStatus, (s) => (url ? s.byUrl[url] : undefined));
  if (!url) return <p className="pr-view-note">Paste a video URL, or use a library item's.</p>;
  if (!status) return <p className="pr-view-note" data-testid="video-state" data-state="idle">Not playing (connect it to an output).</p>;
  const detail = status.state === 'playing' && status.firstFrameMs !== undefined ? ` · first frame in ${status.firstFrameMs} ms` : '';
  return (
    <p className="pr-view-note" data-testid="video-state" data-state={status.state} data-error-class={status.errorClass} role={status.state === 'error' ? 'status' : undefined}>
      {status.source}: {LABELS[status.state]}
      {detail}
      {status.errorClass ? ` · ${status.errorClass.replaceAll('_', ' ')}` : ''}
      {status.state === 'error' && status.message ? <span className="pr-video-error"> — {status.message}</span> : null}
    </p>
  );
}
