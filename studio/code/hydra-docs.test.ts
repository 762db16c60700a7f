import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../runtime/plugin/registry';
import { createClientRegistry } from '../plugins';
import { hoverMarkdown, hydraDocs, type HydraDoc } from './hydra-docs';

const docs = hydraDocs(createClientRegistry());
const find = (name: string, kind: HydraDoc['kind']) => docs.find((d) => d.name === name && d.kind === kind);

describe('hydraDocs', () => {
  it('has one entry per Hydra function node, as a source or a chain method', () => {
    const registry = createClientRegistry();
    const functions = registry.nodes().filter((n) => /^Hydra \w+ function:/.test(n.description ?? ''));
    expect(functions.length).toBeGreaterThan(40);
    for (const node of functions) {
      const entry = docs.find((d) => d.nodeType === node.type);
      expect(entry, node.type).toBeDefined();
      expect(entry!.kind).toBe(node.kind === 'source' ? 'source' : 'method');
    }
  });

  it('takes signatures and defaults from the node definitions', () => {
    const osc = find('osc', 'source')!;
    expect(osc.signature).toBe('osc(frequency = 60, sync = 0.1, offset = 0)');
    expect(osc.params.map((p) => p.default)).toEqual(['60', '0.1', '0']);
    expect(osc.documentation).toContain('Source');
    expect(osc.documentation).toContain('`frequency` = 60 — slider 0–500');
    expect(osc.insertText).toBe('osc($0)');
    expect(find('kaleid', 'method')!.signature).toBe('kaleid(nSides = 4)');
    expect(find('blend', 'method')!.signature).toBe('blend(texture, amount = 0.5)');
    const srcParam = createClientRegistry().node('hydra-core/src')!.params[0]!;
    expect(srcParam.type).toBe('choice');
    if (srcParam.type === 'choice') expect(find('src', 'source')!.params[0]!.note).toBe(srcParam.options.join(' | '));
  });

  it('adds out as a method and render as a global from the output nodes', () => {
    expect(find('out', 'method')!.signature).toBe('out(output = o0)');
    expect(find('render', 'global')!.nodeType).toBe('hydra-core/render');
    // Not callable in code: no entries.
    expect(docs.some((d) => d.name === 'lfo' || d.nodeType === 'hydra-core/external')).toBe(false);
  });

  it("lists hydra's globals once, preferring the registry's description", () => {
    for (const name of ['o0', 'o3', 's0', 's3', 'time', 'mouse', 'render', 'speed', 'bpm', 'update', 'setResolution', 'hush', 'a', 'setFunction', 'src']) {
      const top = docs.filter((d) => d.name === name && (d.kind === 'global' || d.kind === 'source'));
      expect(top, name).toHaveLength(1);
    }
    // `a` is both the audio object and the alpha chain method.
    expect(find('a', 'global')!.insertText).toBe('a');
    expect(find('a', 'method')!.signature).toBe('a(scale = 1, offset = 0)');
    expect(find('hush', 'global')!.insertText).toBe('hush($0)');
    expect(find('setResolution', 'global')!.params.map((p) => p.name)).toEqual(['width', 'height']);
  });

  it('has members for the object globals', () => {
    expect(docs.filter((d) => d.kind === 'member' && d.of === 's0').map((d) => d.name)).toContain('initImage');
    expect(docs.filter((d) => d.kind === 'member' && d.of === 'a').map((d) => d.name)).toContain('setBins');
  });

  it('follows what a plugin declares, including a new function', () => {
    const registry = createRegistry([
      {
        name: 'extra',
        nodes: [
          {
            type: 'extra/wobble',
            kind: 'effect',
            label: 'wobble',
            description: 'Hydra coord function: wobble(amount = 0.2)',
            inputs: [{ id: 'in', type: 'texture' }],
            outputs: [{ id: 'out', type: 'texture' }],
            params: [{ id: 'amount', type: 'number', default: 0.2, min: 0, max: 2 }],
            compile: () => '',
          },
        ],
      },
    ]);
    const wobble = hydraDocs(registry).find((d) => d.name === 'wobble')!;
    expect(wobble).toMatchObject({ kind: 'method', signature: 'wobble(amount = 0.2)' });
    expect(wobble.documentation).toContain('slider 0–2');
  });

  it('hover markdown shows the signature as code, methods with their dot', () => {
    expect(hoverMarkdown(find('kaleid', 'method')!)).toMatch(/^```js\n\.kaleid\(nSides = 4\)\n```\nGeometry/);
    expect(hoverMarkdown(find('osc', 'source')!)).toContain('osc(frequency = 60');
  });
});
