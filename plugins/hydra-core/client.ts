import { defineClientPlugin } from '../../runtime/plugin/define';
import { hydraCore } from './manifest';

/** Browser entry: hydra-core needs nothing beyond its manifest in the browser yet. */
export default defineClientPlugin({ manifest: hydraCore });
