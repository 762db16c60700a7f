import { act, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

/** For component tests (happy-dom): React's act() applies updates synchronously. Not part of the build. */
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Renders `node` into a fresh element of the page; finds elements by test id; unmounts. */
export function mount(node: ReactNode) {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const root = createRoot(host);
  act(() => root.render(node));
  const $$ = (testId: string) => [...host.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
  return {
    host,
    $: <E extends Element = HTMLElement>(testId: string) => host.querySelector<E>(`[data-testid="${testId}"]`),
    $$,
    unmount() {
      act(() => root.unmount());
      host.remove();
    },
  };
}
