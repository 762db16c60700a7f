import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { createRegistry } from '../../runtime/plugin/registry';
import { decodeShareCode } from '../../runtime/presets/share';
import { loadAutosave, saveAutosave } from './autosave';
import { patchFile, readPatchFile, shareLink } from './files';

const registry = createRegistry([hydraCore]);
const patch = {
  version: 1,
  name: 'Test',
  nodes: [
    { id: 'osc1', type: 'hydra-core/osc', params: { frequency: 12 }, position: { x: 0, y: 0 } },
    { id: 'out1', type: 'hydra-core/out', position: { x: 200, y: 0 } },
  ],
  edges: [{ from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'in' } }],
};

/** The Storage interface over a Map: what localStorage is in the browser. */
class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (v.length > this.quota) throw new DOMException('quota', 'QuotaExceededError');
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  clear() {
    this.map.clear();
  }
}

describe('patch files', () => {
  it('export then import gives the same patch', () => {
    const read = readPatchFile(patchFile(patch), registry);
    expect(read).toEqual({ ok: true, patch, migrated: [] });
  });

  it('refuses a newer format, broken JSON, unknown nodes and cycles with a clear message', () => {
    expect(readPatchFile(JSON.stringify({ ...patch, version: 99 }), registry)).toEqual({ ok: false, message: expect.stringContaining('newer Patchroom') });
    expect(readPatchFile('{"version": 1, "nodes": [', registry)).toEqual({ ok: false, message: expect.stringContaining('not valid JSON') });
    const unknown = { ...patch, nodes: [...patch.nodes, { id: 'x1', type: 'nope/x' }] };
    expect(readPatchFile(JSON.stringify(unknown), registry)).toEqual({ ok: false, message: expect.stringContaining('"nope/x"') });
    const cyclic = {
      version: 1,
      nodes: [
        { id: 'a', type: 'hydra-core/kaleid' },
        { id: 'b', type: 'hydra-core/kaleid' },
      ],
      edges: [
        { from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } },
        { from: { node: 'b', port: 'out' }, to: { node: 'a', port: 'in' } },
      ],
    };
    expect(readPatchFile(JSON.stringify(cyclic), registry)).toEqual({ ok: false, message: expect.stringContaining('cycle') });
    expect(readPatchFile('x'.repeat(3 * 1024 * 1024), registry).ok).toBe(false);
  });

  it('share links carry the code to the player', () => {
    const link = shareLink('http://localhost:8080', 'osc(10).out()');
    expect(link.startsWith('http://localhost:8080/play?code=')).toBe(true);
    expect(decodeShareCode(new URL(link).searchParams.get('code')!)).toEqual({ ok: true, code: 'osc(10).out()' });
  });
});

describe('autosave', () => {
  it('restores what it saved, per room', () => {
    const storage = new MemoryStorage();
    expect(saveAutosave(storage, 'room-a', { mode: 'patch', patch, code: '' })).toBe(true);
    expect(loadAutosave(storage, 'room-a', registry)).toEqual({ ok: true, restored: { mode: 'patch', patch, code: '' } });
    expect(loadAutosave(storage, 'room-b', registry)).toEqual({ ok: true });
  });

  it('keeps an unreadable save aside instead of losing it, and says so', () => {
    const storage = new MemoryStorage();
    storage.setItem('patchroom:studio:local', '{"format":"patchroom/studio","version":1,"patch":{"version":7}}');
    const result = loadAutosave(storage, 'local', registry);
    expect(result).toEqual({ ok: false, message: expect.stringContaining('could not be restored') });
    const kept = [...Array(storage.length).keys()].map((i) => storage.key(i)!).find((k) => k.includes(':unreadable:'));
    expect(kept && storage.getItem(kept)).toContain('"version":7');
  });

  it('reports a full storage instead of throwing', () => {
    expect(saveAutosave(new MemoryStorage(10), 'local', { mode: 'patch', patch, code: '' })).toBe(false);
  });
});
