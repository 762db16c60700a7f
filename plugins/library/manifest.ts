import { definePlugin } from '../../runtime/plugin/define';

/** The media and preset library: browse, full-text search, manifest import. Server only. */
export const library = definePlugin({
  name: 'library',
  description: 'Media items and presets: browse with filters, full-text search (FTS5), JSON manifest import.',
  requires: ['auth'],
});
