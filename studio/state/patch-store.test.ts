import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { compilePatch } from '../../runtime/compiler/compile';
import { createRegistry } from '../../runtime/plugin/registry';
import { createPatchStore } from './patch-store';

const registry = createRegistry([hydraCore]);

function oscKaleidOut() {
  const store = createPatchStore(registry);
  const osc = store.addNode('hydra-core/osc', { x: 0, y: 0 });
  const kaleid = store.addNode('hydra-core/kaleid', { x: 200, y: 0 });
  const out = store.addNode('hydra-core/out', { x: 400, y: 0 });
  expect(store.connect({ node: osc, port: 'out' }, { node: kaleid, port: 'in' }).ok).toBe(true);
  expect(store.connect({ node: kaleid, port: 'out' }, { node: out, port: 'in' }).ok).toBe(true);
  return { store, osc, kaleid, out };
}

describe('patch store', () => {
  it('builds osc → kaleid → out that compiles to the Hydra chain', () => {
    const { store, osc, kaleid, out } = oscKaleidOut();
    expect([osc, kaleid, out]).toEqual(['osc1', 'kaleid1', 'out1']);
    expect(compilePatch(store.getState().patch, registry).code).toBe('osc()\n  .kaleid()\n  .out()\n');
    expect(store.getState().selection).toEqual(['out1']);
  });

  it('refuses a texture into a number input, a cycle, and a missing port, with a reason', () => {
    const { store, osc, kaleid, out } = oscKaleidOut();
    const before = store.getState().patch;
    const mismatch = store.connect({ node: osc, port: 'out' }, { node: kaleid, port: 'nSides' });
    expect(mismatch).toEqual({ ok: false, reason: expect.stringContaining('texture output to a number input') });
    const noPort = store.connect({ node: kaleid, port: 'out' }, { node: out, port: 'nope' });
    expect(noPort.ok).toBe(false);
    const blend = store.addNode('hydra-core/blend', { x: 0, y: 200 });
    store.connect({ node: kaleid, port: 'out' }, { node: blend, port: 'in' });
    const cycle = store.connect({ node: blend, port: 'out' }, { node: kaleid, port: 'in' });
    expect(cycle).toEqual({ ok: false, reason: expect.stringContaining('cycle') });
    expect(store.getState().patch.edges).toHaveLength(before.edges.length + 1);
  });

  it('an input takes one edge: connecting again replaces it', () => {
    const { store, kaleid } = oscKaleidOut();
    const noise = store.addNode('hydra-core/noise', { x: 0, y: 100 });
    store.connect({ node: noise, port: 'out' }, { node: kaleid, port: 'in' });
    const into = store.getState().patch.edges.filter((e) => e.to.node === kaleid && e.to.port === 'in');
    expect(into).toEqual([{ from: { node: noise, port: 'out' }, to: { node: kaleid, port: 'in' } }]);
  });

  it('undo and redo walk the history; a slider drag is one step', () => {
    const { store, osc } = oscKaleidOut();
    const built = store.getState().patch;
    for (const v of [11, 12, 13, 14]) store.setParam(osc, 'frequency', v);
    expect(store.getState().patch.nodes.find((n) => n.id === osc)?.params?.frequency).toBe(14);
    expect(store.undo()).toBe(true);
    expect(store.getState().patch).toBe(built);
    expect(store.redo()).toBe(true);
    expect(store.getState().patch.nodes.find((n) => n.id === osc)?.params?.frequency).toBe(14);
    // Undo all the way back to the empty patch, then nothing more.
    while (store.undo());
    expect(store.getState().patch.nodes).toEqual([]);
    expect(store.undo()).toBe(false);
  });

  it('a new edit after undo drops the redo branch', () => {
    const { store, osc } = oscKaleidOut();
    store.setParam(osc, 'frequency', 20);
    store.undo();
    store.setParam(osc, 'sync', 0.5);
    expect(store.redo()).toBe(false);
  });

  it('removing nodes removes their edges and their selection', () => {
    const { store, kaleid } = oscKaleidOut();
    store.select([kaleid]);
    store.removeNodes([kaleid]);
    expect(store.getState().patch.edges).toEqual([]);
    expect(store.getState().selection).toEqual([]);
  });

  it('copy / paste and duplicate give new ids, keep inner edges, and select the copies', () => {
    const { store, osc, kaleid } = oscKaleidOut();
    const text = store.copy([osc, kaleid]);
    const pasted = store.paste(text);
    expect(pasted).toEqual({ ok: true, ids: ['osc2', 'kaleid2'] });
    expect(store.getState().patch.edges).toContainEqual({ from: { node: 'osc2', port: 'out' }, to: { node: 'kaleid2', port: 'in' } });
    expect(store.getState().selection).toEqual(['osc2', 'kaleid2']);
    expect(store.getState().patch.nodes.find((n) => n.id === 'osc2')?.position).toEqual({ x: 40, y: 40 });
    expect(store.duplicate().ok).toBe(true);
    expect(store.getState().patch.nodes.map((n) => n.id)).toContain('osc3');
  });

  it('pasting something that is not Patchroom nodes, or hostile JSON, changes nothing', () => {
    const { store } = oscKaleidOut();
    const before = store.getState().patch;
    expect(store.paste('osc(10).out()').ok).toBe(false);
    const hostile = JSON.stringify({ kind: 'patchroom/fragment', version: 1, nodes: [{ id: 'x', type: 'hydra-core/osc', params: { frequency: 'a'.repeat(10_000) } }], edges: [] });
    expect(store.paste(hostile)).toEqual({ ok: false, reason: expect.stringContaining('not valid') });
    const unknownType = JSON.stringify({ kind: 'patchroom/fragment', version: 1, nodes: [{ id: 'x', type: 'evil/node' }], edges: [] });
    expect(store.paste(unknownType)).toEqual({ ok: false, reason: expect.stringContaining('evil/node') });
    expect(store.getState().patch).toBe(before);
  });
});

describe('patch store: moves', () => {
  it('a move that changes nothing is not an undo step', () => {
    const { store, osc } = oscKaleidOut();
    const depth = store.getState().past.length;
    store.moveNodes(new Map([[osc, { x: 0, y: 0 }]]));
    store.moveNodes(new Map());
    expect(store.getState().past.length).toBe(depth);
    store.moveNodes(new Map([[osc, { x: 10.4, y: 20.6 }]]));
    expect(store.getState().patch.nodes.find((n) => n.id === osc)?.position).toEqual({ x: 10, y: 21 });
    expect(store.getState().past.length).toBe(depth + 1);
  });
});
