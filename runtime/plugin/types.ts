/**
 * The plugin interface. A plugin is a plain object; `definePlugin` only exists so that TypeScript
 * checks it. The manifest is pure data plus pure compile functions, so both the browser bundle and
 * the server may import it. Browser-only and server-only parts live in separate entries
 * (`defineClientPlugin`, `defineServerPlugin`) that import the manifest, never each other.
 */

/** What travels along an edge. */
export type PortType = 'texture' | 'number' | 'event';

/** Where a node sits in the palette and what its body looks like. */
export type NodeKind = 'source' | 'effect' | 'combine' | 'input' | 'trigger' | 'output';

export interface PortDefinition {
  /** Unique within the node's inputs (or outputs). */
  id: string;
  type: PortType;
  label?: string;
}

export interface NumberParamDefinition {
  id: string;
  type: 'number';
  label?: string;
  default: number;
  /** Slider range. Soft: exact entry may go beyond it. */
  min: number;
  max: number;
  step?: number;
  description?: string;
}

export interface ChoiceParamDefinition {
  id: string;
  type: 'choice';
  label?: string;
  default: string;
  options: readonly string[];
  description?: string;
}

export interface TextParamDefinition {
  id: string;
  type: 'text';
  label?: string;
  default: string;
  /** Upper bound on the length a patch may store. */
  maxLength: number;
  description?: string;
}

export type ParamDefinition = NumberParamDefinition | ChoiceParamDefinition | TextParamDefinition;

/**
 * What a compile function gets. Every accessor returns Hydra source text, already formatted, so a
 * node only decides how its own piece of the program reads.
 */
export interface CompileContext {
  /** Source text of whatever feeds this texture input, or a default texture when unconnected. */
  texture(portId: string): string;
  /** Whether an input port has an edge. */
  connected(portId: string): boolean;
  /**
   * Source text of a number parameter: the upstream value when its port is connected, else the
   * stored constant, array or expression, else the default.
   */
  number(paramId: string): string;
  /** The stored value of a choice or text parameter (validated against the definition). */
  choice(paramId: string): string;
  /**
   * The external source (s0–s3) this node binds, for nodes with `claimsSource`: its `source`
   * parameter when that names one, else the lowest source no other node names or claims (nodes
   * taken in id order, so the same patch always gets the same sources). Throws when none is free.
   */
  source(): string;
  /**
   * Adds a top-level statement that runs before the outputs' statements (`s0.initVideo(…)`):
   * set-up that a texture expression cannot hold. Emitted once, in node-id order.
   */
  setup(statement: string): void;
  /** Formats arguments for a call, dropping trailing ones that equal their defaults. */
  args(paramIds: readonly string[]): string;
  /** Appends a method call to a texture chain (`base.call`); the compiler lays chains out one call per line. */
  chain(base: string, call: string): string;
  /** Lays a chain out on one line, for use as an argument: `.blend(noise(3).color(1), 0.5)`. */
  inline(text: string): string;
  /** The node being compiled, for messages. */
  readonly nodeId: string;
}

export interface NodeDefinition {
  /** `<plugin name>/<node name>`, unique across all loaded plugins. */
  type: string;
  kind: NodeKind;
  label: string;
  description?: string;
  /** Texture and event inputs. Number parameters are also number inputs, under the param's id. */
  inputs: readonly PortDefinition[];
  outputs: readonly PortDefinition[];
  params: readonly ParamDefinition[];
  /**
   * Returns Hydra source text. For nodes with a texture or number output, an expression
   * (`osc(10)`, `() => Math.sin(time)`); for output nodes, a statement (`….out(o0)`), or '' when
   * there is nothing to render.
   */
  compile(ctx: CompileContext): string;
  /** Words the palette search should also match. */
  keywords?: readonly string[];
  /** The node binds one of the external sources s0–s3 (video, camera…): see `CompileContext.source`. */
  claimsSource?: boolean;
}

export interface PluginManifest {
  /** Unique, equal to the plugin's folder name. */
  name: string;
  version?: string;
  description?: string;
  /** Names of plugins that must be loaded before this one. */
  requires?: readonly string[];
  nodes?: readonly NodeDefinition[];
}

/**
 * What a plugin's node body view (client side) receives. Views are components of the studio's UI
 * library (React); this is only their props, so plugins can type them without the runtime knowing
 * React.
 */
export interface NodeViewProps {
  nodeId: string;
  type: string;
  params: Readonly<Record<string, unknown>>;
  setParam(paramId: string, value: unknown): void;
}
