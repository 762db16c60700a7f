import { DEFAULT_TEXTURE, SOURCE_SLOTS } from '../../runtime/compiler/compile';
import { definePlugin } from '../../runtime/plugin/define';

/** Longest URL a video node stores (the media proxy takes up to 4096, library items 2048). */
export const MAX_URL = 2048;

/**
 * A video as a texture: `s0.initVideo(url)` set up at the top of the program and `src(s0)` where
 * the texture is used, exactly what a hydra sketch writes (the code runs unchanged in the hydra
 * editor). The source is picked by the compiler (`auto`) or named. In Patchroom the video loads
 * through the app's media proxy inside the sandbox (runtime/sandbox/frame-video.ts).
 */
export const videoInput = definePlugin({
  name: 'video-input',
  version: '1.0.0',
  description: 'Video files (a library item or any http(s) URL) as textures, through the media proxy.',
  requires: ['hydra-core'],
  nodes: [
    {
      type: 'video-input/video',
      kind: 'input',
      label: 'video',
      description: 'A video file as a texture, looping: s0.initVideo(url) then src(s0)',
      keywords: ['movie', 'mp4', 'webm', 'clip', 'footage', 'initVideo', 'archive.org', 'library'],
      inputs: [],
      outputs: [{ id: 'out', type: 'texture', label: 'texture' }],
      params: [
        { id: 'url', type: 'text', label: 'URL', default: '', maxLength: MAX_URL, description: "The video's http(s) URL, or a library item's" },
        { id: 'source', type: 'choice', label: 'source', default: 'auto', options: ['auto', ...SOURCE_SLOTS], description: 'Which external source it binds; auto takes a free one' },
        { id: 'playback', type: 'choice', label: 'playback', default: 'loop', options: ['loop', 'once'] },
      ],
      claimsSource: true,
      compile(ctx) {
        const url = ctx.choice('url').trim();
        // No video yet: nothing to bind, and no source taken from anyone.
        if (url === '') return DEFAULT_TEXTURE;
        const source = ctx.source();
        const options = ctx.choice('playback') === 'once' ? ', { loop: false }' : '';
        ctx.setup(`${source}.initVideo(${JSON.stringify(url)}${options})`);
        return `src(${source})`;
      },
    },
  ],
});

export default videoInput;
