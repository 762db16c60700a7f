import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import type { Patch } from '../../runtime/patch/schema';
import { applyChanges, diffPatches, writeChanges } from './patch-changes';
import { docToPatch, patchToDoc } from './patch-doc';
import type { PatchDoc } from './protocol';

const base: Patch = {
  version: 1,
  name: 'duo',
  nodes: [
    { id: 'osc1', type: 'hydra-core/osc', params: { frequency: 10, sync: 0.1 }, position: { x: 0, y: 0 } },
    { id: 'kaleid1', type: 'hydra-core/kaleid', params: { nSides: 4 }, position: { x: 200, y: 0 } },
    { id: 'out1', type: 'hydra-core/out', position: { x: 400, y: 0 } },
  ],
  edges: [
    { from: { node: 'osc1', port: 'out' }, to: { node: 'kaleid1', port: 'texture' } },
    { from: { node: 'kaleid1', port: 'out' }, to: { node: 'out1', port: 'texture' } },
  ],
};

/** A.from wants an index signature that PatchDoc (an interface) does not declare. */
const fromDoc = (doc: PatchDoc) => A.from(doc as unknown as Record<string, unknown>) as unknown as A.Doc<PatchDoc>;

/** Two performers who start from the same document, each with their own copy. */
function twoPeers(start: Patch = base) {
  const origin = fromDoc(patchToDoc(start));
  return [A.clone(origin), A.clone(origin)] as const;
}

/** A local edit the way the client makes it: diff the patches, write only the difference. */
function edit(doc: A.Doc<PatchDoc>, fn: (p: Patch) => Patch): A.Doc<PatchDoc> {
  const before = docToPatch(doc).patch;
  const changes = diffPatches(before, fn(before));
  return A.change(doc, (d) => writeChanges(d, changes));
}

/** Both peers exchange everything; returns what each one now reads. */
function sync(a: A.Doc<PatchDoc>, b: A.Doc<PatchDoc>) {
  const a2 = A.merge(A.clone(a), b);
  const b2 = A.merge(A.clone(b), a);
  const pa = docToPatch(a2);
  const pb = docToPatch(b2);
  expect(pb.patch).toEqual(pa.patch);
  return pa;
}

const node = (p: Patch, id: string) => p.nodes.find((n) => n.id === id);
const setParam = (id: string, param: string, value: number) => (p: Patch): Patch => ({
  ...p,
  nodes: p.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, [param]: value } } : n)),
});

describe('patch document conversion', () => {
  it('reads back the patch it wrote, in the order shown before', () => {
    const read = docToPatch(fromDoc(patchToDoc(base)), base);
    expect(read.patch).toEqual(base);
    expect(read.dropped).toEqual([]);
  });

  it('reuses unchanged node objects so that a remote edit re-renders only what it touched', () => {
    const [a] = twoPeers();
    const shown = docToPatch(a, base).patch;
    const next = docToPatch(edit(a, setParam('osc1', 'frequency', 3)), shown).patch;
    expect(next.nodes[1]).toBe(shown.nodes[1]);
    expect(next.nodes[0]).not.toBe(shown.nodes[0]);
    expect(node(next, 'osc1')?.params?.frequency).toBe(3);
  });

  it('diff then apply gives the target patch', () => {
    const target: Patch = {
      ...base,
      name: 'renamed',
      nodes: [
        { ...base.nodes[0]!, params: { frequency: 20, offset: { expr: '() => time' } }, position: { x: 5, y: 6 } },
        { id: 'noise1', type: 'hydra-core/noise', params: { scale: [1, 2, 3] } },
        base.nodes[2]!,
      ],
      edges: [{ from: { node: 'noise1', port: 'out' }, to: { node: 'out1', port: 'texture' } }],
    };
    const changes = diffPatches(base, target);
    expect(changes.map((c) => c.kind).sort()).toEqual(['edge-add', 'edge-remove', 'edge-remove', 'move', 'name', 'node-put', 'node-remove', 'param-remove', 'param-set', 'param-set']);
    const applied = applyChanges(base, changes);
    expect(new Set(applied.nodes.map((n) => n.id))).toEqual(new Set(target.nodes.map((n) => n.id)));
    expect(node(applied, 'osc1')).toEqual(target.nodes[0]);
    expect(applied.edges).toEqual(target.edges);
    const doc = A.change(fromDoc(patchToDoc(base)), (d) => writeChanges(d, changes));
    expect(docToPatch(doc, target).patch).toEqual(target);
  });

  it('a parameter edit changes one field of the document, not the node', () => {
    const [a] = twoPeers();
    const after = edit(a, setParam('osc1', 'frequency', 42));
    const ops = A.getChanges(a, after).map((c) => A.decodeChange(c).ops);
    expect(ops.flat()).toHaveLength(1);
  });
});

describe('concurrent edits of two performers merge', () => {
  it('different parameters of one node both stay', () => {
    const [a, b] = twoPeers();
    const merged = sync(edit(a, setParam('osc1', 'frequency', 1)), edit(b, setParam('osc1', 'sync', 2)));
    expect(node(merged.patch, 'osc1')?.params).toEqual({ frequency: 1, sync: 2 });
  });

  it('one parameter set by both ends the same for both', () => {
    const [a, b] = twoPeers();
    const merged = sync(edit(a, setParam('osc1', 'frequency', 1)), edit(b, setParam('osc1', 'frequency', 2)));
    expect([1, 2]).toContain(node(merged.patch, 'osc1')?.params?.frequency);
  });

  it('nodes added by both are both there, with a moved node where it was moved', () => {
    const [a, b] = twoPeers();
    const a2 = edit(a, (p) => ({ ...p, nodes: [...p.nodes, { id: 'noise1-ab', type: 'hydra-core/noise', position: { x: 1, y: 1 } }] }));
    const b2 = edit(b, (p) => ({ ...p, nodes: [...p.nodes.map((n) => (n.id === 'out1' ? { ...n, position: { x: 9, y: 9 } } : n)), { id: 'noise1-cd', type: 'hydra-core/noise' }] }));
    const merged = sync(a2, b2);
    expect(merged.patch.nodes.map((n) => n.id).sort()).toEqual(['kaleid1', 'noise1-ab', 'noise1-cd', 'osc1', 'out1']);
    expect(node(merged.patch, 'out1')?.position).toEqual({ x: 9, y: 9 });
  });

  it('a removed node takes its edges, and an edit of it from the other side does not bring it back', () => {
    const [a, b] = twoPeers();
    const a2 = edit(a, (p) => ({ ...p, nodes: p.nodes.filter((n) => n.id !== 'kaleid1'), edges: p.edges.filter((e) => e.from.node !== 'kaleid1' && e.to.node !== 'kaleid1') }));
    const merged = sync(a2, edit(b, setParam('kaleid1', 'nSides', 8)));
    expect(node(merged.patch, 'kaleid1')).toBeUndefined();
    expect(merged.patch.edges).toEqual([]);
  });

  it('a connection to a node removed at the same time is dropped on read', () => {
    const [a, b] = twoPeers();
    const a2 = edit(a, (p) => ({ ...p, nodes: p.nodes.filter((n) => n.id !== 'osc1'), edges: p.edges.filter((e) => e.from.node !== 'osc1') }));
    // B connects osc1 straight to the output instead.
    const b2 = edit(b, (p) => ({ ...p, edges: [...p.edges.filter((e) => e.to.node !== 'out1'), { from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'texture' } }] }));
    const merged = sync(a2, b2);
    expect(merged.patch.edges).toEqual([]);
    expect(merged.dropped.some((d) => d.includes('its node is gone'))).toBe(true);
  });

  it('two connections into one input made at once leave one, the same one for both', () => {
    const start: Patch = { ...base, edges: [] };
    const [a, b] = twoPeers(start);
    const a2 = edit(a, (p) => ({ ...p, edges: [{ from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'texture' } }] }));
    const b2 = edit(b, (p) => ({ ...p, edges: [{ from: { node: 'kaleid1', port: 'out' }, to: { node: 'out1', port: 'texture' } }] }));
    const merged = sync(a2, b2);
    expect(merged.patch.edges).toHaveLength(1);
  });

  it('opposite connections made at once do not make a cycle', () => {
    const start: Patch = { ...base, edges: [] };
    const [a, b] = twoPeers(start);
    const a2 = edit(a, (p) => ({ ...p, edges: [{ from: { node: 'osc1', port: 'out' }, to: { node: 'kaleid1', port: 'texture' } }] }));
    const b2 = edit(b, (p) => ({ ...p, edges: [{ from: { node: 'kaleid1', port: 'out' }, to: { node: 'osc1', port: 'texture' } }] }));
    const merged = sync(a2, b2);
    expect(merged.patch.edges).toHaveLength(1);
    expect(merged.dropped.some((d) => d.includes('cycle'))).toBe(true);
  });
});

describe('an untrusted document', () => {
  it('leaves out what does not parse and keeps the rest', () => {
    const doc = A.from<Record<string, unknown>>({
      version: 1,
      nodes: {
        ok1: { type: 'hydra-core/osc', params: { frequency: 3 }, x: 0, y: 0 },
        'bad id!': { type: 'hydra-core/osc', params: {}, x: 0, y: 0 },
        weird: { type: 'hydra-core/osc', params: { frequency: { nope: 1 } }, x: 0, y: 0 },
        notanode: 'hello',
      },
      edges: { junk: { from: 'x' }, loop: { from: { node: 'ok1', port: 'out' }, to: { node: 'ok1', port: 'texture' } } },
    });
    const read = docToPatch(doc);
    expect(read.patch.nodes.map((n) => n.id)).toEqual(['ok1']);
    expect(read.patch.edges).toEqual([]);
    expect(read.dropped).toHaveLength(5);
  });

  it('reads anything at all as a patch, possibly empty', () => {
    expect(docToPatch(null).patch).toEqual({ version: 1, nodes: [], edges: [] });
    expect(docToPatch({ nodes: [1, 2], edges: 'x' }).patch.nodes).toEqual([]);
  });
});

describe('reading a large room patch', () => {
  it('stays fast enough to follow another performer’s slider (no quadratic cycle check)', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => ({ id: `osc${i}`, type: 'hydra-core/osc', params: { frequency: i }, position: { x: i, y: i } }));
    const edges = nodes.slice(1).map((n, i) => ({ from: { node: nodes[i]!.id, port: 'out' }, to: { node: n.id, port: 'in' } }));
    const doc = fromDoc(patchToDoc({ version: 1, nodes, edges }));
    let shown = docToPatch(doc).patch;
    const started = performance.now();
    for (let i = 0; i < 5; i++) shown = docToPatch(doc, shown).patch;
    expect(shown.edges).toHaveLength(999);
    // ~30 ms a read here; 418 ms before the incremental cycle check.
    expect((performance.now() - started) / 5).toBeLessThan(250);
  });
});

describe('what a patch document stores', () => {
  const script = Array.from({ length: 40 }, (_, i) => `osc(${i}, 0.1, 1.2).rotate(${i} / 10).modulate(noise(3)).out(o${i % 4})`).join('\n');
  const withScript = (code: string): Patch => ({ version: 1, nodes: [{ id: 'script1', type: 'hydra-core/script', params: { code }, position: { x: 0, y: 0 } }], edges: [] });
  const setCode = (code: string) => (p: Patch): Patch => ({ ...p, nodes: p.nodes.map((n) => (n.id === 'script1' ? { ...n, params: { code } } : n)) });
  const lastOps = (doc: A.Doc<unknown>) => A.decodeChange(A.getLastLocalChange(doc)!).ops.length;

  it('keeps node types and edge ends whole: one operation each, not one per character', () => {
    let doc = fromDoc(patchToDoc({ version: 1, nodes: [], edges: [] }));
    doc = edit(doc, (p) => ({ ...p, nodes: [{ id: 'osc1', type: 'hydra-core/osc', params: { frequency: 10, sync: 0.1 }, position: { x: 5, y: 6 } }] }));
    // The node's map, its type, its params map, two params, x and y.
    expect(lastOps(doc)).toBe(7);
    doc = edit(doc, (p) => ({ ...p, nodes: [...p.nodes, { id: 'out1', type: 'hydra-core/out' }], edges: [{ from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'texture' } }] }));
    // The new node (map, type, params, x, y), and the edge: its map, two end maps and four strings.
    expect(lastOps(doc)).toBe(5 + 7);
    expect(docToPatch(doc).patch.edges).toEqual([{ from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'texture' } }]);
  });

  it('writes a script edit as the characters that changed, so a script edited all evening stays small', () => {
    let doc = fromDoc(patchToDoc({ version: 1, nodes: [], edges: [] }));
    doc = edit(doc, () => withScript(script));
    const first = A.save(doc).byteLength;
    for (let i = 0; i < 100; i++) {
      doc = edit(doc, setCode(script.replace('osc(7,', `osc(${i + 100},`)));
      expect(lastOps(doc)).toBeLessThanOrEqual(6);
    }
    expect(docToPatch(doc).patch.nodes[0]?.params?.code).toBe(script.replace('osc(7,', 'osc(199,'));
    // Replacing the whole text each time grew it ~100 × the script's length.
    expect(A.save(doc).byteLength).toBeLessThan(first + 4000);
  });

  it('keeps both performers’ edits to different lines of one script', () => {
    const [a, b] = twoPeers(withScript(script));
    const merged = sync(edit(a, setCode(script.replace('osc(1,', 'osc(11,'))), edit(b, setCode(script.replace('osc(30,', 'osc(33,'))));
    expect(merged.patch.nodes[0]?.params?.code).toBe(script.replace('osc(1,', 'osc(11,').replace('osc(30,', 'osc(33,'));
  });

  it('edits an expression’s text the same way, and still reads a document that kept types and edges as text', () => {
    // How documents were written before: every string as text.
    const legacy = A.from({
      version: 1,
      nodes: { osc1: { type: 'hydra-core/osc', params: { frequency: { expr: '() => 10 + Math.sin(time)' } }, x: 0, y: 0 }, out1: { type: 'hydra-core/out', params: {}, x: 200, y: 0 } },
      edges: { 'osc1.out>out1.texture': { from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'texture' } } },
    }) as unknown as A.Doc<PatchDoc>;
    const read = docToPatch(legacy).patch;
    expect(read.nodes.map((n) => n.type)).toEqual(['hydra-core/osc', 'hydra-core/out']);
    expect(read.edges).toHaveLength(1);
    const edited = edit(legacy, (p) => ({ ...p, nodes: p.nodes.map((n) => (n.id === 'osc1' ? { ...n, params: { frequency: { expr: '() => 12 + Math.sin(time)' } } } : n)) }));
    expect(lastOps(edited)).toBeLessThanOrEqual(3);
    expect(docToPatch(edited).patch.nodes[0]?.params?.frequency).toEqual({ expr: '() => 12 + Math.sin(time)' });
    // Removing a node still takes its (text) edges along.
    const removed = A.change(edited, (d) => writeChanges(d, [{ kind: 'node-remove', id: 'out1' }]));
    expect(Object.keys(removed.edges)).toEqual([]);
  });
});
