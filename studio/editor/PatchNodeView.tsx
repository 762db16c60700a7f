import { Component, type ReactNode } from 'react';
import { Presets, type ClassicScheme, type RenderEmit } from 'rete-react-plugin';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ParamValue } from '../../runtime/patch/schema';
import { editorContext } from './editor-context';
import { ParamControl } from './ParamControl';
import type { EditorNode, Schemes } from './rete-editor';

const { RefSocket } = Presets.classic;
const nobody = createStore(() => ({ peers: [] as Array<{ name: string; editing: string[] }> }));

/**
 * A node's body: its name, sockets, and a control for every parameter (number parameters are also
 * inputs, so their socket sits on the same row). A plugin may add a body view of its own; if that
 * view throws, the node shows as crashed and the editor carries on.
 */
export function PatchNodeView({ data, emit }: { data: EditorNode; emit: RenderEmit<Schemes> }) {
  const store = editorContext.store!;
  const node = useStore(store, (s) => s.patch.nodes.find((n) => n.id === data.id));
  const selected = useStore(store, (s) => s.selection.includes(data.id));
  const edges = useStore(store, (s) => s.patch.edges);
  const error = useStore(editorContext.run!, (s) => (s.error?.node === data.id ? s.error.message : undefined));
  // Other performers editing this node (a string, so that unrelated presence changes do not re-render).
  const editors = useStore(editorContext.presence ?? nobody, (s) => s.peers.filter((p) => p.editing.includes(data.id)).map((p) => p.name).join(', '));
  const def = store.registry.node(data.nodeType);
  if (!node || !def) return null;

  const drivers = new Map(edges.filter((e) => e.to.node === node.id).map((e) => [e.to.port, e.from.node]));
  const socket = (side: 'input' | 'output', key: string) => {
    const port = side === 'input' ? data.inputs[key] : data.outputs[key];
    return port ? <RefSocket name={`${side}-socket`} side={side} socketKey={key} nodeId={data.id} emit={emit as unknown as RenderEmit<ClassicScheme>} payload={port.socket} /> : null;
  };
  const setParam = (paramId: string, value: ParamValue | undefined) => store.setParam(node.id, paramId, value);
  const PluginView = editorContext.views.get(node.type);

  return (
    <div
      className={`pr-node pr-kind-${def.kind}${selected ? ' is-selected' : ''}${error ? ' has-error' : ''}${editors ? ' is-edited-by-others' : ''}`}
      style={{ width: data.width }}
      data-testid="node"
      data-node-id={node.id}
      data-node-type={node.type}
      data-edited-by={editors || undefined}
      title={def.description}
    >
      <header className="pr-node-title">
        <span>{def.label}</span>
        <small>{node.id}</small>
        {editors && (
          <small className="pr-node-editors" data-testid="node-editors" title={`${editors} editing`}>
            ✎ {editors}
          </small>
        )}
      </header>
      {error && (
        <p className="pr-node-error" data-testid="node-error">
          {error}
        </p>
      )}
      <Crashable name={def.label}>
        {def.outputs.map((port) => (
          <div key={port.id} className="pr-port pr-port-out" data-port={port.id}>
            <span>{port.label ?? port.id}</span>
            {socket('output', port.id)}
          </div>
        ))}
        {def.inputs.map((port) => (
          <div key={port.id} className="pr-port pr-port-in" data-port={port.id}>
            {socket('input', port.id)}
            <span>{port.label ?? port.id}</span>
          </div>
        ))}
        {def.params.map((param) => (
          <div key={param.id} className="pr-param-row" data-port={param.id}>
            {param.type === 'number' ? socket('input', param.id) : <span className="pr-socket-gap" />}
            <ParamControl nodeId={node.id} def={param} value={node.params?.[param.id]} drivenBy={drivers.get(param.id)} onChange={(v) => setParam(param.id, v)} />
          </div>
        ))}
        {PluginView && (
          <Crashable name={`${def.label} view`}>
            <PluginView nodeId={node.id} type={node.type} params={node.params ?? {}} setParam={(id, v) => setParam(id, v as ParamValue)} />
          </Crashable>
        )}
      </Crashable>
    </div>
  );
}

/** An error boundary: a view that throws shows as crashed, with its message, instead of taking the editor down. */
class Crashable extends Component<{ name: string; children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error) {
    console.warn(`Patchroom: the ${this.props.name} crashed`, error);
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="pr-node-crashed" role="alert" data-testid="node-crashed">
          {this.props.name} crashed: {this.state.error.message}
        </div>
      );
    }
    return this.props.children;
  }
}
