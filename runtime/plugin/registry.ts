import type { NodeDefinition, PluginManifest, PortDefinition } from './types';

/** Thrown when a set of plugins cannot be loaded together. The message names the plugin. */
export class PluginLoadError extends Error {
  constructor(
    readonly plugin: string,
    message: string,
  ) {
    super(`Plugin "${plugin}": ${message}`);
    this.name = 'PluginLoadError';
  }
}

export interface Registry {
  readonly plugins: readonly PluginManifest[];
  /** The definition of a node type, or undefined when no loaded plugin provides it. */
  node(type: string): NodeDefinition | undefined;
  nodes(): readonly NodeDefinition[];
  /** The plugin that provides a node type. */
  pluginOf(type: string): string | undefined;
  /** All input ports of a node type: declared inputs plus one number port per number param. */
  inputPorts(type: string): readonly PortDefinition[];
  /** Plugins switched off at run time after one of their nodes threw, with the reason. */
  disabled(): ReadonlyMap<string, string>;
  disable(plugin: string, reason: string): void;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const NODE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** Port and parameter ids appear in patch edges, which only allow these characters (see parsePatch). */
const PORT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PORT_TYPES: readonly string[] = ['texture', 'number', 'event'];
const PARAM_TYPES: readonly string[] = ['number', 'choice', 'text'];

/**
 * Loads plugins in the given order. Fails loudly, naming the plugin, on a duplicate plugin name, a
 * duplicate or misnamed node type, a malformed port or parameter, or a requirement that is not
 * loaded earlier in the list.
 */
export function createRegistry(plugins: readonly PluginManifest[]): Registry {
  const byName = new Map<string, PluginManifest>();
  const nodes = new Map<string, { def: NodeDefinition; plugin: string; inputs: PortDefinition[] }>();
  const disabled = new Map<string, string>();

  for (const plugin of plugins) {
    const name = plugin.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new PluginLoadError(String(name), 'name must be lower-case letters, digits and dashes, starting with a letter');
    }
    if (byName.has(name)) throw new PluginLoadError(name, 'is loaded twice; plugin names must be unique');
    for (const required of plugin.requires ?? []) {
      if (!byName.has(required)) {
        throw new PluginLoadError(name, `requires "${required}", which is not loaded before it`);
      }
    }
    for (const def of plugin.nodes ?? []) {
      checkNode(name, def);
      const existing = nodes.get(def.type);
      if (existing) {
        throw new PluginLoadError(name, `node type "${def.type}" is already provided by plugin "${existing.plugin}"`);
      }
      nodes.set(def.type, { def, plugin: name, inputs: inputPortsOf(def) });
    }
    byName.set(name, plugin);
  }

  const list = [...nodes.values()].map((n) => n.def);
  return {
    plugins: [...byName.values()],
    node: (type) => {
      const entry = nodes.get(type);
      return entry && !disabled.has(entry.plugin) ? entry.def : undefined;
    },
    nodes: () => list.filter((def) => !disabled.has(nodes.get(def.type)!.plugin)),
    pluginOf: (type) => nodes.get(type)?.plugin,
    inputPorts: (type) => nodes.get(type)?.inputs ?? [],
    disabled: () => disabled,
    disable: (plugin, reason) => {
      if (byName.has(plugin) && !disabled.has(plugin)) disabled.set(plugin, reason);
    },
  };
}

function inputPortsOf(def: NodeDefinition): PortDefinition[] {
  const numberPorts = def.params
    .filter((p) => p.type === 'number')
    .map((p): PortDefinition => ({ id: p.id, type: 'number', label: p.label ?? p.id }));
  return [...def.inputs, ...numberPorts];
}

function checkNode(plugin: string, def: NodeDefinition): void {
  const prefix = `${plugin}/`;
  if (typeof def.type !== 'string' || !def.type.startsWith(prefix) || !NODE_NAME.test(def.type.slice(prefix.length))) {
    throw new PluginLoadError(plugin, `node type "${String(def.type)}" must be "${prefix}<name>"`);
  }
  if (typeof def.compile !== 'function') {
    throw new PluginLoadError(plugin, `node type "${def.type}" has no compile function`);
  }
  const seen = new Set<string>();
  const claim = (id: string, what: string) => {
    if (typeof id !== 'string' || !PORT_ID.test(id)) {
      throw new PluginLoadError(plugin, `node type "${def.type}" has ${what} "${String(id)}"; ids are 1–64 letters, digits, "_" or "-"`);
    }
    if (seen.has(id)) throw new PluginLoadError(plugin, `node type "${def.type}" declares ${what} "${id}" twice`);
    seen.add(id);
  };
  const checkPortType = (port: PortDefinition, what: string) => {
    if (!PORT_TYPES.includes(port.type)) {
      throw new PluginLoadError(plugin, `${what} "${port.id}" of "${def.type}" has type "${String(port.type)}"; use ${PORT_TYPES.join(', ')}`);
    }
  };
  for (const port of def.inputs) {
    claim(port.id, 'input');
    checkPortType(port, 'input');
  }
  for (const param of def.params) {
    claim(param.id, 'parameter/input');
    if (!PARAM_TYPES.includes(param.type)) {
      throw new PluginLoadError(plugin, `parameter "${param.id}" of "${def.type}" has type "${String(param.type)}"; use ${PARAM_TYPES.join(', ')}`);
    }
    if (param.type === 'number') {
      const ok = [param.default, param.min, param.max].every(Number.isFinite) && param.min <= param.max;
      if (!ok) throw new PluginLoadError(plugin, `parameter "${param.id}" of "${def.type}" needs finite default, min ≤ max`);
    } else if (param.type === 'choice' && !param.options.includes(param.default)) {
      throw new PluginLoadError(plugin, `parameter "${param.id}" of "${def.type}" has a default that is not one of its options`);
    }
  }
  const outs = new Set<string>();
  for (const port of def.outputs) {
    if (typeof port.id !== 'string' || !PORT_ID.test(port.id)) {
      throw new PluginLoadError(plugin, `node type "${def.type}" has output "${String(port.id)}"; ids are 1–64 letters, digits, "_" or "-"`);
    }
    checkPortType(port, 'output');
    if (outs.has(port.id)) throw new PluginLoadError(plugin, `node type "${def.type}" declares output "${port.id}" twice`);
    outs.add(port.id);
  }
}
