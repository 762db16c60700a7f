import { defineClientPlugin } from '../../runtime/plugin/define';
import { LfoView } from './LfoView';
import { hydraCore } from './manifest';

/** Browser entry: the manifest, and a body view for the lfo (its wave). */
export default defineClientPlugin({
  manifest: hydraCore,
  views: { 'hydra-core/lfo': LfoView },
});
