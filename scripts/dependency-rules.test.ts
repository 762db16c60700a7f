import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rule of DESIGN.md, checked on the source: imports flow
 * studio → plugins/*\/client → runtime and server → plugins/*\/server → runtime, the browser side
 * never reaches server code, and runtime/ knows no React and no Koa.
 */
const root = resolve(import.meta.dirname, '..');
const AREAS = ['runtime', 'plugins', 'studio', 'server', 'presets'];

interface SourceImport {
  file: string;
  specifier: string;
  /** Repository-relative path for relative imports. */
  target?: string;
}

/**
 * Test code: `*.test.ts(x)`, and helpers only tests use (`test-support/` folders, `testing.ts`),
 * which may start servers and use node: modules wherever they sit. Product code must not import them.
 */
const isTestCode = (path: string) => /\.test\.tsx?$/.test(path) || /(^|\/)test-support\//.test(path) || /(^|\/)testing\.tsx?$/.test(path);

function sourceFiles(dir: string, withTests = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full, withTests);
    const rel = relative(root, full).split(sep).join('/');
    return /\.(ts|tsx)$/.test(entry.name) && (withTests || !isTestCode(rel)) ? [full] : [];
  });
}

function importsOf(file: string): SourceImport[] {
  const text = readFileSync(file, 'utf8');
  const found: SourceImport[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
    const specifier = match[1] ?? match[2] ?? match[3]!;
    const rel = relative(root, file).split(sep).join('/');
    const target = specifier.startsWith('.') ? relative(root, resolve(dirname(file), specifier)).split(sep).join('/') : undefined;
    found.push(target === undefined ? { file: rel, specifier } : { file: rel, specifier, target });
  }
  return found;
}

const all = AREAS.flatMap((area) => sourceFiles(join(root, area))).flatMap(importsOf);

function violations(from: (file: string) => boolean, forbidden: (i: SourceImport) => boolean): string[] {
  return all.filter((i) => from(i.file) && forbidden(i)).map((i) => `${i.file} imports ${i.specifier}`);
}

const isServerEntry = (path?: string) => path !== undefined && (/^server\//.test(path) || /^plugins\/[^/]+\/server(\/|$|\.)/.test(path));
const isClientEntry = (path?: string) => path !== undefined && (/^studio\//.test(path) || /^plugins\/[^/]+\/client(\/|$|\.)/.test(path));
const isFramework = (specifier: string) => /^(react|react-dom|koa|@koa\/|zustand|rete|monaco-editor|better-sqlite3|ws$|jose)/.test(specifier);

describe('dependency rule', () => {
  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(50);
    expect(all.some((i) => i.target === 'runtime/plugin/define')).toBe(true);
  });

  it('runtime/ imports no app, plugin or server code, and no React or Koa', () => {
    expect(
      violations(
        (f) => f.startsWith('runtime/'),
        (i) => isFramework(i.specifier) || (i.target !== undefined && !i.target.startsWith('runtime/')),
      ),
    ).toEqual([]);
  });

  it('the browser side (studio, client entries, manifests) never imports server code', () => {
    expect(violations((f) => !isServerEntry(f), (i) => isServerEntry(i.target) || /^(koa|@koa\/|better-sqlite3|jose|node:)/.test(i.specifier))).toEqual([]);
  });

  it('the server side never imports the studio or client entries', () => {
    expect(violations((f) => isServerEntry(f), (i) => isClientEntry(i.target) || /^(react|react-dom|monaco-editor|rete)/.test(i.specifier))).toEqual([]);
  });

  it('nothing imports studio/ or server/ except their own files', () => {
    expect(violations((f) => !f.startsWith('studio/'), (i) => i.target?.startsWith('studio/') ?? false)).toEqual([]);
    expect(violations((f) => !f.startsWith('server/'), (i) => i.target?.startsWith('server/') ?? false)).toEqual([]);
  });

  it('no product code imports test helpers', () => {
    const helpers = AREAS.flatMap((area) => sourceFiles(join(root, area), true)).filter((f) => isTestCode(relative(root, f).split(sep).join('/')) && !/\.test\.tsx?$/.test(f));
    expect(helpers.length).toBeGreaterThan(0);
    expect(violations(() => true, (i) => i.target !== undefined && isTestCode(`${i.target}.ts`))).toEqual([]);
  });

  it('plugins depend on runtime and on no other plugin\'s entries', () => {
    expect(
      violations(
        (f) => f.startsWith('plugins/'),
        (i) => i.target !== undefined && !i.target.startsWith('runtime/') && i.target.split('/')[1] !== i.file.split('/')[1],
      ),
    ).toEqual([]);
  });
});

describe('server plugins', () => {
  const folders = readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join(root, 'plugins', entry.name)).includes('server.ts'))
    .map((entry) => entry.name);

  it('are each one folder whose server entry the server lists, under the folder\'s name', async () => {
    const { serverPlugins } = await import('../server/plugins');
    expect(folders.length).toBeGreaterThan(0);
    expect(serverPlugins.map((p) => p.manifest.name).sort()).toEqual([...folders].sort());
    const listed = importsOf(join(root, 'server/plugins.ts')).map((i) => i.target);
    for (const name of folders) expect(listed).toContain(`plugins/${name}/server`);
  });

  it('are made with defineServerPlugin, the interface a third-party plugin uses', () => {
    for (const name of folders) {
      const entry = importsOf(join(root, 'plugins', name, 'server.ts'));
      expect(entry.some((i) => i.target === 'runtime/plugin/server' || i.target === 'runtime/plugin/define'), name).toBe(true);
      expect(readFileSync(join(root, 'plugins', name, 'server.ts'), 'utf8'), name).toMatch(/export default defineServerPlugin\(/);
    }
  });
});
