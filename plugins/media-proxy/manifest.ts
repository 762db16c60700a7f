import { definePlugin } from '../../runtime/plugin/define';

/** The range media proxy with a faststart cache, for cross-origin video textures. Server only. */
export const mediaProxy = definePlugin({
  name: 'media-proxy',
  description: 'Proxies allow-listed media hosts with Range, CORS and diagnostics; caches moov-at-end MP4s rewritten to faststart.',
  requires: [],
});
