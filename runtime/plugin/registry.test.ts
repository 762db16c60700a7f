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

describe('createRegistry: malformed node definitions', () => {
  const load = (def: NodeDefinition) => () => createRegistry([definePlugin({ name: 'alpha', nodes: [def] })]);

  it.each([
    ['no prefix', 'one'],
    ['another plugin prefix', 'beta/one'],
    ['empty node name', 'alpha/'],
    ['node name starting with a digit', 'alpha/1one'],
    ['nested path', 'alpha/one/two'],
    ['space in the name', 'alpha/one two'],
    ['dot in the name', 'alpha/one.two'],
  ])('refuses a type with %s (%s), naming the plugin', (_what, type) => {
    expect(load(node(type))).toThrowError(PluginLoadError);
    expect(load(node(type))).toThrow(`Plugin "alpha": node type "${type}" must be "alpha/<name>"`);
  });

  it('accepts node names with capitals, digits, "_" and "-"', () => {
    const registry = createRegistry([definePlugin({ name: 'alpha', nodes: [node('alpha/modulateRepeatX'), node('alpha/a_1-b')] })]);
    expect(registry.nodes().map((n) => n.type)).toEqual(['alpha/modulateRepeatX', 'alpha/a_1-b']);
  });

  it.each(['Alpha', '1alpha', 'al pha', 'al/pha', ''])('refuses the plugin name %j', (name) => {
    expect(() => createRegistry([{ name }])).toThrowError(PluginLoadError);
    expect(() => createRegistry([{ name }])).toThrow(/name must be lower-case letters/);
  });

  it('refuses a node without a compile function', () => {
    const def = { ...node('alpha/one'), compile: undefined } as unknown as NodeDefinition;
    expect(load(def)).toThrow('Plugin "alpha": node type "alpha/one" has no compile function');
  });

  it('refuses an input port declared twice', () => {
    const def = node('alpha/one', { inputs: [{ id: 'in', type: 'texture' }, { id: 'in', type: 'number' }] });
    expect(load(def)).toThrow('Plugin "alpha": node type "alpha/one" declares input "in" twice');
  });

  it('refuses an output port declared twice', () => {
    const def = node('alpha/one', { outputs: [{ id: 'out', type: 'texture' }, { id: 'out', type: 'texture' }] });
    expect(load(def)).toThrow('Plugin "alpha": node type "alpha/one" declares output "out" twice');
  });

  it('refuses a parameter declared twice', () => {
    const p = { id: 'amount', type: 'number', default: 1, min: 0, max: 2 } as const;
    expect(load(node('alpha/one', { params: [p, p] }))).toThrow('declares parameter/input "amount" twice');
  });

  it('refuses a number parameter with the same id as an input port (both would be input "x")', () => {
    const def = node('alpha/one', {
      inputs: [{ id: 'x', type: 'texture' }],
      params: [{ id: 'x', type: 'number', default: 1, min: 0, max: 2 }],
    });
    expect(load(def)).toThrow('declares parameter/input "x" twice');
  });

  it.each([
    ['min above max', { default: 1, min: 2, max: 0 }],
    ['NaN default', { default: Number.NaN, min: 0, max: 2 }],
    ['infinite max', { default: 1, min: 0, max: Number.POSITIVE_INFINITY }],
    ['infinite min', { default: 1, min: Number.NEGATIVE_INFINITY, max: 2 }],
  ])('refuses a number parameter with %s', (_what, range) => {
    const def = node('alpha/one', { params: [{ id: 'amount', type: 'number', ...range }] });
    expect(load(def)).toThrow('Plugin "alpha": parameter "amount" of "alpha/one" needs finite default, min ≤ max');
  });

  it('accepts a number parameter with min equal to max (a fixed value)', () => {
    const def = node('alpha/one', { params: [{ id: 'amount', type: 'number', default: 1, min: 1, max: 1 }] });
    expect(load(def)).not.toThrow();
  });

  it('refuses a choice parameter whose default is not one of its options', () => {
    const def = node('alpha/one', { params: [{ id: 'mode', type: 'choice', default: 'c', options: ['a', 'b'] }] });
    expect(load(def)).toThrow('Plugin "alpha": parameter "mode" of "alpha/one" has a default that is not one of its options');
  });

  it('loads nothing when one plugin of the list is malformed', () => {
    const good = definePlugin({ name: 'alpha', nodes: [node('alpha/one')] });
    const bad = definePlugin({ name: 'beta', nodes: [node('beta/x', { outputs: [{ id: 'o', type: 'texture' }, { id: 'o', type: 'texture' }] })] });
    expect(() => createRegistry([good, bad])).toThrow(/Plugin "beta"/);
  });

  it('accepts a requirement loaded earlier in the list, whatever its nodes', () => {
    const a = definePlugin({ name: 'alpha', nodes: [node('alpha/one')] });
    const b = definePlugin({ name: 'beta', requires: ['alpha'], nodes: [node('beta/one')] });
    const registry = createRegistry([a, b]);
    expect(registry.plugins.map((p) => p.name)).toEqual(['alpha', 'beta']);
    expect(() => createRegistry([b, a])).toThrow('Plugin "beta": requires "alpha", which is not loaded before it');
  });
});

describe('Registry.inputPorts', () => {
  const def = node('alpha/mix', {
    kind: 'combine',
    inputs: [
      { id: 'in', type: 'texture' },
      { id: 'texture', type: 'texture', label: 'second' },
    ],
    params: [
      { id: 'amount', type: 'number', label: 'Amount', default: 0.5, min: 0, max: 1 },
      { id: 'mode', type: 'choice', default: 'a', options: ['a', 'b'] },
      { id: 'note', type: 'text', default: '', maxLength: 10 },
      { id: 'speed', type: 'number', default: 0, min: -1, max: 1 },
    ],
  });
  const registry = createRegistry([definePlugin({ name: 'alpha', nodes: [def] })]);

  it('lists declared inputs first, then one number port per number parameter (choice and text are not ports)', () => {
    expect(registry.inputPorts('alpha/mix')).toEqual([
      { id: 'in', type: 'texture' },
      { id: 'texture', type: 'texture', label: 'second' },
      { id: 'amount', type: 'number', label: 'Amount' },
      { id: 'speed', type: 'number', label: 'speed' },
    ]);
  });

  it('is empty for an unknown type', () => {
    expect(registry.inputPorts('alpha/nope')).toEqual([]);
    expect(registry.node('alpha/nope')).toBeUndefined();
    expect(registry.pluginOf('alpha/nope')).toBeUndefined();
  });
});

describe('Registry.disable', () => {
  const make = () =>
    createRegistry([
      definePlugin({ name: 'alpha', nodes: [node('alpha/one'), node('alpha/two')] }),
      definePlugin({ name: 'beta', nodes: [node('beta/one')] }),
    ]);

  it("hides a disabled plugin's nodes and keeps the others", () => {
    const registry = make();
    registry.disable('alpha', 'alpha/one threw while compiling');
    expect(registry.node('alpha/one')).toBeUndefined();
    expect(registry.node('alpha/two')).toBeUndefined();
    expect(registry.node('beta/one')?.type).toBe('beta/one');
    expect(registry.nodes().map((n) => n.type)).toEqual(['beta/one']);
    // which plugin a type belongs to is still known, so validation can say why it is missing
    expect(registry.pluginOf('alpha/one')).toBe('alpha');
    expect([...registry.disabled()]).toEqual([['alpha', 'alpha/one threw while compiling']]);
  });

  it('keeps the first reason and ignores unknown plugins', () => {
    const registry = make();
    registry.disable('alpha', 'first');
    registry.disable('alpha', 'second');
    registry.disable('nobody', 'whatever');
    expect([...registry.disabled()]).toEqual([['alpha', 'first']]);
    expect(registry.nodes()).toHaveLength(1);
  });

  it('lists every node in load order while nothing is disabled', () => {
    expect(make().nodes().map((n) => n.type)).toEqual(['alpha/one', 'alpha/two', 'beta/one']);
    expect(make().disabled().size).toBe(0);
  });
});

describe('createRegistry: malformed ports and parameter types', () => {
  const load = (def: NodeDefinition) => () => createRegistry([definePlugin({ name: 'alpha', nodes: [def] })]);

  it('refuses a port type other than texture, number or event', () => {
    const input = node('alpha/one', { inputs: [{ id: 'in', type: 'video' as never }] });
    expect(load(input)).toThrow('Plugin "alpha": input "in" of "alpha/one" has type "video"; use texture, number, event');
    const output = node('alpha/one', { outputs: [{ id: 'out', type: 'Texture' as never }] });
    expect(load(output)).toThrow('Plugin "alpha": output "out" of "alpha/one" has type "Texture"');
  });

  it('refuses a parameter type it cannot edit or compile', () => {
    const def = node('alpha/one', { params: [{ id: 'on', type: 'boolean', default: true } as never] });
    expect(load(def)).toThrow('Plugin "alpha": parameter "on" of "alpha/one" has type "boolean"');
  });

  it.each(['', 'a b', 'a.b', 'x'.repeat(65)])('refuses the port id %j, which no patch edge could name', (id) => {
    expect(load(node('alpha/one', { inputs: [{ id, type: 'texture' }] }))).toThrow(/Plugin "alpha": node type "alpha\/one" has input/);
    expect(load(node('alpha/one', { outputs: [{ id, type: 'texture' }] }))).toThrow(/Plugin "alpha": node type "alpha\/one" has output/);
    expect(load(node('alpha/one', { params: [{ id, type: 'number', default: 0, min: 0, max: 1 }] }))).toThrow(/has parameter\/input/);
  });
});
