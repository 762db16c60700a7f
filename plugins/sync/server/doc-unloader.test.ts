import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, type DocHandle } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { afterEach, describe, expect, it } from 'vitest';
import { docUnloader, type DocUnloaderOptions } from './doc-unloader';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real repo on real files, with one changed document. */
async function repoWithDoc() {
  const dir = mkdtempSync(join(tmpdir(), 'patchroom-unload-'));
  dirs.push(dir);
  const repo = new Repo({ storage: new NodeFSStorageAdapter(dir) });
  const handle = repo.create<{ name?: string; items: string[] }>({ items: [] });
  handle.change((d) => {
    d.name = 'kept';
    d.items.push('a', 'b');
  });
  await repo.flush();
  return { repo, handle, id: handle.documentId as string };
}

function unloaderFor(repo: Repo, options: Partial<DocUnloaderOptions> = {}) {
  return docUnloader({
    repo,
    settle: async (ids) => (await repo.flush(ids as never[]), true),
    openDocuments: () => new Set(),
    pending: () => false,
    idleMs: 40,
    log: silent,
    ...options,
  });
}

const idleFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('docUnloader', () => {
  it('unloads a document idle for idleMs (not before), and it loads again from storage intact', async () => {
    const { repo, id } = await repoWithDoc();
    const unloader = unloaderFor(repo);
    unloader.touch(id);
    expect(await unloader.sweep()).toEqual([]);
    await idleFor(60);
    expect(await unloader.sweep()).toEqual([id]);
    expect(repo.handles[id as never]).toBeUndefined();
    await idleFor(150); // past automerge-repo's throttled save: nothing may overwrite the stored document
    const again = await repo.find<{ name?: string; items: string[] }>(id as never);
    expect(again.doc()).toEqual({ name: 'kept', items: ['a', 'b'] });
  });

  it('keeps documents a client has open, with a write waiting, or used while they were being saved', async () => {
    const { repo, id } = await repoWithDoc();
    let open = new Set([id]);
    let pending = false;
    let touchWhileSaving = false;
    const unloader: ReturnType<typeof docUnloader> = unloaderFor(repo, {
      openDocuments: () => open,
      pending: () => pending,
      settle: async (ids) => {
        await repo.flush(ids as never[]);
        if (touchWhileSaving) unloader.touch(id);
        return true;
      },
    });
    await unloader.sweep(); // first seen now
    await idleFor(60);
    expect(await unloader.sweep()).toEqual([]);
    open = new Set();
    pending = true;
    expect(await unloader.sweep()).toEqual([]);
    pending = false;
    touchWhileSaving = true;
    expect(await unloader.sweep()).toEqual([]);
    expect((repo.handles[id as never] as DocHandle<unknown>).isReady()).toBe(true);
    touchWhileSaving = false;
    await idleFor(60);
    expect(await unloader.sweep()).toEqual([id]);
  });

  it('unloads nothing when saving failed', async () => {
    const { repo, id } = await repoWithDoc();
    const unloader = unloaderFor(repo, { settle: async () => false });
    await unloader.sweep();
    await idleFor(60);
    expect(await unloader.sweep()).toEqual([]);
    expect(repo.handles[id as never]).toBeDefined();
  });
});
