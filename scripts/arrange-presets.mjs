// Maintenance: lays out the starter patches' nodes with the studio's own auto-arrange and node
// sizes, so a preset opened in the studio has no overlapping nodes. Rewrites presets/patches/*.json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';

const root = join(import.meta.dirname, '..');
const vite = await createServer({ root, configFile: false, server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'silent' });
try {
  const { autoArrange } = await vite.ssrLoadModule('/studio/editor/auto-arrange.ts');
  const { createRegistry } = await vite.ssrLoadModule('/runtime/plugin/registry.ts');
  const { hydraCore } = await vite.ssrLoadModule('/plugins/hydra-core/manifest.ts');
  const { nodeHeight } = await vite.ssrLoadModule('/studio/editor/node-size.ts');
  const { clientViews } = await vite.ssrLoadModule('/studio/plugin-views.ts');
  const registry = createRegistry([hydraCore]);
  const views = clientViews();
  const height = (def, type) => nodeHeight(def, views.has(type));
  const dir = join(root, 'presets/patches');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const file = join(dir, name);
    const preset = JSON.parse(readFileSync(file, 'utf8'));
    const types = new Map(preset.patch.nodes.map((n) => [n.id, n.type]));
    const at = autoArrange(preset.patch, (id) => height(registry.node(types.get(id)), types.get(id)));
    for (const node of preset.patch.nodes) node.position = at.get(node.id);
    writeFileSync(file, `${JSON.stringify(preset, null, 2)}\n`);
    process.stdout.write(`${name}: ${preset.patch.nodes.length} nodes arranged\n`);
  }
} finally {
  await vite.close();
}
