import { defineClientPlugin } from '../../runtime/plugin/define';
import { videoInput } from './manifest';
import { onVideoEvent } from './video-status';
import { VideoView } from './VideoView';

/** Browser entry: the video node's body shows its video's state, fed by the preview's executor. */
export default defineClientPlugin({
  manifest: videoInput,
  views: { 'video-input/video': VideoView },
  onExecutorEvent: onVideoEvent,
});
