import { describe, expect, it } from 'vitest';
import { definePlugin } from './define';
import { PluginLoadError, createRegistry } from './registry';
import type { NodeDefinition } from './types';

const node = (type: string, extra: Partial<NodeDefinition> = {}): NodeDefinition => ({
  type,
  kind: 'source',
  label: type,
  inputs: [],
  outputs: [{ id: 'out', type: 'texture' }],
  params: [],
  compile: () => 'osc()',
  ...extra,
});

describe('createRegistry', () => {
  it('loads plugins and finds their nodes', () => {
    const a = definePlugin({ name: 'alpha', nodes: [node('alpha/one')] });
    const registry = createRegistry([a]);
    expect(registry.node('alpha/one')?.label).toBe('alpha/one');
    expect(registry.pluginOf('alpha/one')).toBe('alpha');
  });

  it('fails loudly, naming the plugin, on a duplicate plugin name', () => {
    const a = definePlugin({ name: 'alpha' });
    expect(() => createRegistry([a, a])).toThrowError(PluginLoadError);
    expect(() => createRegistry([a, a])).toThrow(/Plugin "alpha".*loaded twice/);
  });

  it('fails on a node type provided twice, naming both plugins', () => {
    const a = definePlugin({ name: 'alpha', nodes: [node('alpha/one')] });
    const b = definePlugin({ name: 'beta', nodes: [node('alpha/one')] });
    expect(() => createRegistry([a, b])).toThrow(/Plugin "beta".*must be "beta\/<name>"/);
    const c = definePlugin({ name: 'gamma', nodes: [node('gamma/x'), node('gamma/x')] });
    expect(() => createRegistry([c])).toThrow(/Plugin "gamma".*"gamma\/x" is already provided by plugin "gamma"/);
  });

  it('fails on a missing requirement', () => {
    const b = definePlugin({ name: 'beta', requires: ['alpha'] });
    expect(() => createRegistry([b])).toThrow(/Plugin "beta": requires "alpha"/);
  });
});
