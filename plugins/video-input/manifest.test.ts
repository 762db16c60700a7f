import { describe, expect, it } from 'vitest';
import { compilePatch } from '../../runtime/compiler/compile';
import { codeToPatch } from '../../runtime/compiler/code-to-patch';
import { PATCH_VERSION, type Patch, type PatchNode } from '../../runtime/patch/schema';
import { createRegistry } from '../../runtime/plugin/registry';
import { hydraCore } from '../hydra-core/manifest';
import { videoInput } from './manifest';

const registry = createRegistry([hydraCore, videoInput]);
const URL_A = 'https://archive.org/download/clip/a.mp4';

function patch(nodes: PatchNode[], edges: Patch['edges'] = []): Patch {
  return { version: PATCH_VERSION, nodes, edges };
}
const out = (id: string, from: string, output = 'o0'): [PatchNode, Patch['edges'][number]] => [
  { id, type: 'hydra-core/out', params: { output } },
  { from: { node: from, port: 'out' }, to: { node: id, port: 'in' } },
];

describe('video-input/video compiles to what a hydra sketch writes', () => {
  it('s0.initVideo(url) at the top, src(s0) where the texture is used', () => {
    const [o, e] = out('out1', 'v1');
    const result = compilePatch(patch([{ id: 'v1', type: 'video-input/video', params: { url: URL_A } }, o], [e]), registry);
    expect(result.issues).toEqual([]);
    expect(result.code).toBe(`s0.initVideo("${URL_A}")\n\nsrc(s0)\n  .out()\n`);
    expect(result.setup).toEqual([`s0.initVideo("${URL_A}")`]);
    expect(result.nodeLines.v1).toBe(1); // an initVideo error points at the node
  });

  it('sources are picked deterministically: named ones kept, auto ones in id order, sources read by other nodes avoided', () => {
    const nodes: PatchNode[] = [
      { id: 'v10', type: 'video-input/video', params: { url: `${URL_A}?10` } },
      { id: 'v2', type: 'video-input/video', params: { url: `${URL_A}?2`, playback: 'once' } },
      { id: 'v3', type: 'video-input/video', params: { url: `${URL_A}?3`, source: 's3' } },
      { id: 'ext', type: 'hydra-core/external', params: { source: 's0' } },
    ];
    const outs = ['v10', 'v2', 'v3', 'ext'].map((id, i) => out(`out${i + 1}`, id, `o${i}`));
    const result = compilePatch(patch([...nodes, ...outs.map(([o]) => o)], outs.map(([, e]) => e)), registry);
    expect(result.setup).toEqual([`s1.initVideo("${URL_A}?2", { loop: false })`, `s3.initVideo("${URL_A}?3")`, `s2.initVideo("${URL_A}?10")`]);
    expect(result.code).toContain('src(s2)\n  .out()');
    expect(result.code).toContain('src(s0)\n  .out(o3)');
    // The same patch in another node order compiles to the same text.
    const shuffled = compilePatch(patch([...nodes].reverse().concat(outs.map(([o]) => o)), outs.map(([, e]) => e)), registry);
    expect(shuffled.code).toBe(result.code);
  });

  it('two nodes naming one source: the later is reported and left out, the rest runs; a fifth video finds no source', () => {
    const nodes: PatchNode[] = [
      { id: 'a', type: 'video-input/video', params: { url: URL_A, source: 's1' } },
      { id: 'b', type: 'video-input/video', params: { url: URL_A, source: 's1' } },
    ];
    const outs = [out('out1', 'a'), out('out2', 'b', 'o1')];
    const result = compilePatch(patch([...nodes, ...outs.map(([o]) => o)], outs.map(([, e]) => e)), registry);
    expect(result.ok).toBe(true);
    expect(result.issues.map((i) => [i.code, i.node])).toEqual([['node-compile-failed', 'b']]);
    expect(result.issues[0]!.message).toContain('s1 is already bound by node "a"');

    const five = ['v1', 'v2', 'v3', 'v4', 'v5'].map((id): PatchNode => ({ id, type: 'video-input/video', params: { url: `${URL_A}#${id}` } }));
    const fiveOuts = five.map((n, i) => out(`out${i + 1}`, n.id, `o${i % 4}`));
    const full = compilePatch(patch([...five, ...fiveOuts.map(([o]) => o)], fiveOuts.map(([, e]) => e)), registry);
    expect(full.issues.find((i) => i.node === 'v5')?.message).toContain('all four sources s0–s3 are in use');
  });

  it('no URL: a blank texture and no source taken; quotes in a URL stay inside the string', () => {
    const [o, e] = out('out1', 'v1');
    expect(compilePatch(patch([{ id: 'v1', type: 'video-input/video' }, o], [e]), registry).code).toBe('solid()\n  .out()\n');
    const tricky = 'https://x.org/a".mp4?q=\\';
    const result = compilePatch(patch([{ id: 'v1', type: 'video-input/video', params: { url: tricky } }, o], [e]), registry);
    expect(result.setup[0]).toBe(`s0.initVideo(${JSON.stringify(tricky)})`);
  });

  it('code → patch with the patch as hint keeps the video node (its set-up line is not read as a script)', () => {
    const [o, e] = out('out1', 'v1');
    const original = patch([{ id: 'v1', type: 'video-input/video', params: { url: URL_A }, position: { x: 0, y: 0 } } as PatchNode, o], [e]);
    const compiled = compilePatch(original, registry);
    const back = codeToPatch(compiled.code, registry, { hint: original });
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.patch.nodes.map((n) => n.type).sort()).toEqual(['hydra-core/out', 'video-input/video']);
    expect(compilePatch(back.patch, registry).code).toBe(compiled.code);
  });
});
