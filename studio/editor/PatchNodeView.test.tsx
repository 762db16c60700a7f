// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { createRegistry } from '../../runtime/plugin/registry';
import { createPatchStore } from '../state/patch-store';
import { createRunStore } from '../state/run-store';
import { editorContext, type NodeView } from './editor-context';
import { PatchNodeView } from './PatchNodeView';
import { EditorNode } from './rete-editor';
import { clientViews } from '../plugin-views';
import { mount } from '../ui/mount';

const registry = createRegistry([hydraCore]);

function mountNode(type: string, params: Record<string, number | string> = {}, views: Map<string, NodeView> = new Map()) {
  const store = createPatchStore(registry);
  const id = store.addNode(type, { x: 0, y: 0 }, params);
  editorContext.store = store;
  editorContext.run = createRunStore();
  editorContext.views = views;
  const { host, unmount } = mount(<PatchNodeView data={new EditorNode(id, type, type)} emit={() => {}} />);
  return { host, unmount, store, id };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('node views', () => {
  it('a plugin view that throws shows the node as crashed; its controls keep working', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const Broken: NodeView = () => {
      throw new Error('view exploded');
    };
    const { host, unmount, store, id } = mountNode('hydra-core/osc', {}, new Map([['hydra-core/osc', Broken]]));
    expect(host.querySelector('[data-testid=node-crashed]')?.textContent).toContain('view exploded');
    expect(host.querySelector('[data-testid=node]')).not.toBeNull();
    // The parameter rows still render and still edit the patch.
    act(() => store.setParam(id, 'frequency', 33));
    expect((host.querySelector(`[data-testid=param-${id}-frequency]`) as HTMLInputElement).value).toBe('33');
    unmount();
    warn.mockRestore();
    error.mockRestore();
  });

  it('hydra-core draws an lfo wave from its numbers, and not from expressions', () => {
    const views = clientViews();
    const { host, store, id, unmount } = mountNode('hydra-core/lfo', { rate: 1, amplitude: 2 }, views);
    const plot = host.querySelector('[data-testid=lfo-plot]');
    expect(plot?.getAttribute('aria-label')).toBe('sine from -2 to 2 over 4 s');
    expect(plot?.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(91);
    act(() => store.setParam(id, 'amplitude', { expr: '() => Math.random()' }));
    expect(host.querySelector('[data-testid=lfo-plot]')).toBeNull();
    expect(host.textContent).toContain('depends on an expression');
    unmount();
  });

  it('a plugin may only supply views for its own node types', () => {
    const stranger = { manifest: { name: 'stranger' }, views: { 'hydra-core/osc': (() => null) as NodeView } };
    expect(() => clientViews([stranger])).toThrow(/"stranger".*"hydra-core\/osc"/);
  });
});
