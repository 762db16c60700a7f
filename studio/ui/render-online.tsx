import { act, type ReactNode } from 'react';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { createRegistry } from '../../runtime/plugin/registry';
import type { Studio } from '../app/studio';
import { StudioContext } from '../app/studio';
import { OnlineContext } from '../online';
import { createOnline } from '../online-setup';
import { createUiStore } from '../state/ui-store';
import { mount } from './mount';

/**
 * For component tests (happy-dom): renders online screens with real stores and the real API
 * client. Point the window at a test server first (`happyDOM.setURL(server.url + '/studio')`): the
 * page's fetch then talks to it same-origin, with cookies, like the browser. Not part of the build.
 */
export function renderOnline(node: ReactNode, options: { roomId?: string } = {}) {
  const online = createOnline({ roomId: options.roomId, storage: localStorage });
  const ui = createUiStore();
  // Only what the online screens use of the studio: its room, registry and toasts.
  const studio = { room: options.roomId ?? 'local', registry: createRegistry([hydraCore]), ui } as unknown as Studio;
  const mounted = mount(
    <StudioContext.Provider value={studio}>
      <OnlineContext.Provider value={online}>{node}</OnlineContext.Provider>
    </StudioContext.Provider>,
  );
  return { online, ui, ...mounted };
}

/** Types into a React-controlled field (React listens for input events and tracks the value setter). */
export function typeInto(field: HTMLInputElement, value: string) {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export function click(element: Element | null) {
  if (!element) throw new Error('nothing to click');
  act(() => (element as HTMLElement).click());
}

export function press(element: Element | null, key: string) {
  if (!element) throw new Error('no element for the key');
  act(() => void element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })));
}

/**
 * Waits until `check` passes, letting the page's network answers arrive inside act() so React
 * applies them (and does not warn about updates outside act).
 */
export async function until(check: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await act(() => new Promise((resolve) => setTimeout(resolve, 15)));
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
