import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { bindPatch, type PatchHandle } from '../../plugins/sync/client/patch-binding';
import { patchToDoc } from '../../plugins/sync/patch-doc';
import type { PatchDoc } from '../../plugins/sync/protocol';
import type { Patch } from '../../runtime/patch/schema';
import { createClientRegistry } from '../plugins';
import { createPatchStore } from '../state/patch-store';
import { patchStoreTarget } from './patch-store-target';

/** A document handle over a real Automerge document, with the events the binding listens to. */
class DocStub implements PatchHandle {
  listeners = new Set<() => void>();
  constructor(public current: A.Doc<PatchDoc>) {}
  doc() {
    return this.current;
  }
  change(fn: (doc: PatchDoc) => void) {
    this.current = A.change(this.current, fn);
    this.emit();
  }
  receive(other: DocStub) {
    const merged = A.merge(A.clone(this.current), other.current);
    if (A.equals(merged, this.current)) return;
    this.current = merged;
    this.emit();
  }
  emit() {
    for (const l of this.listeners) l();
  }
  on(_: 'change', l: () => void) {
    this.listeners.add(l);
  }
  off(_: 'change', l: () => void) {
    this.listeners.delete(l);
  }
}

const registry = createClientRegistry();
const start: Patch = {
  version: 1,
  nodes: [
    { id: 'osc1', type: 'hydra-core/osc', params: { frequency: 10 }, position: { x: 0, y: 0 } },
    { id: 'out1', type: 'hydra-core/out', position: { x: 300, y: 0 } },
  ],
  edges: [{ from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'in' } }],
};

/** Two performers' studios on one room document. */
function room(options: { bReadOnly?: boolean } = {}) {
  const origin = A.from(patchToDoc(start) as unknown as Record<string, unknown>) as unknown as A.Doc<PatchDoc>;
  const docA = new DocStub(A.clone(origin));
  const docB = new DocStub(A.clone(origin));
  const a = createPatchStore(registry);
  const b = createPatchStore(registry);
  a.setIdSuffix('aa');
  b.setIdSuffix('bb');
  bindPatch(docA, patchStoreTarget(a));
  bindPatch(docB, patchStoreTarget(b), { readOnly: options.bReadOnly ?? false });
  const exchange = () => {
    docA.receive(docB);
    docB.receive(docA);
  };
  return { a, b, docA, docB, exchange };
}

const param = (store: ReturnType<typeof createPatchStore>, id: string, p: string) => store.getState().patch.nodes.find((n) => n.id === id)?.params?.[p];

describe('the studio patch store bound to a room document', () => {
  it('loads the room patch, without history', () => {
    const { a } = room();
    expect(a.getState().patch.nodes.map((n) => n.id)).toEqual(['osc1', 'out1']);
    expect(a.getState().past).toEqual([]);
  });

  it('a node added in one studio appears in the other, with no undo step there', () => {
    const { a, b, exchange } = room();
    const id = a.addNode('hydra-core/noise', { x: 10, y: 20 });
    expect(id).toBe('noise1-aa');
    exchange();
    expect(b.getState().patch.nodes.map((n) => n.id)).toContain('noise1-aa');
    expect(b.getState().past).toEqual([]);
    expect(a.getState().past).toHaveLength(1);
  });

  it('nodes of the same type added at once by both get different ids and both stay', () => {
    const { a, b, exchange } = room();
    a.addNode('hydra-core/noise', { x: 0, y: 0 });
    b.addNode('hydra-core/noise', { x: 0, y: 0 });
    exchange();
    const ids = (s: typeof a) => s.getState().patch.nodes.map((n) => n.id).sort();
    expect(ids(a)).toEqual(['noise1-aa', 'noise1-bb', 'osc1', 'out1']);
    expect(ids(b)).toEqual(ids(a));
  });

  it('concurrent edits of two parameters both survive, and the selection stays', () => {
    const { a, b, exchange } = room();
    b.select(['osc1']);
    a.setParam('osc1', 'frequency', 3);
    b.setParam('osc1', 'sync', 0.5);
    exchange();
    for (const s of [a, b]) {
      expect(param(s, 'osc1', 'frequency')).toBe(3);
      expect(param(s, 'osc1', 'sync')).toBe(0.5);
    }
    expect(b.getState().selection).toEqual(['osc1']);
  });

  it('undo takes back my edit and not the other performer’s', () => {
    const { a, b, exchange } = room();
    a.setParam('osc1', 'frequency', 3);
    exchange();
    b.addNode('hydra-core/noise', { x: 0, y: 0 });
    exchange();
    expect(a.undo()).toBe(true);
    exchange();
    for (const s of [a, b]) {
      expect(param(s, 'osc1', 'frequency')).toBe(10);
      expect(s.getState().patch.nodes.map((n) => n.id)).toContain('noise1-bb');
    }
  });

  it('a node removed by one while the other connects to it: the edge goes too, for both', () => {
    const { a, b, exchange } = room();
    a.removeNodes(['osc1']);
    b.addNode('hydra-core/noise', { x: 0, y: 0 });
    b.disconnect({ node: 'out1', port: 'in' });
    expect(b.connect({ node: 'osc1', port: 'out' }, { node: 'out1', port: 'in' }).ok).toBe(true);
    exchange();
    for (const s of [a, b]) {
      expect(s.getState().patch.nodes.map((n) => n.id).sort()).toEqual(['noise1-bb', 'out1']);
      expect(s.getState().patch.edges).toEqual([]);
    }
  });

  it('a viewer’s studio shows edits but puts its own back', () => {
    const { a, b, docB, exchange } = room({ bReadOnly: true });
    a.setParam('osc1', 'frequency', 7);
    exchange();
    expect(param(b, 'osc1', 'frequency')).toBe(7);
    const before = docB.current;
    b.setParam('osc1', 'frequency', 99);
    expect(param(b, 'osc1', 'frequency')).toBe(7);
    expect(docB.current).toBe(before);
  });
});
