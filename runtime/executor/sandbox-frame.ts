import type { FromSandbox, ToSandbox } from '../sandbox/protocol';

export interface SandboxFrameOptions {
  container: HTMLElement;
  /**
   * An iframe already in the page's HTML (sandbox="allow-scripts", src = url): it starts loading
   * with the page instead of after the app's script, which is most of the way to the first frame.
   */
  existing?: HTMLIFrameElement | null;
  /** URL of the sandbox document (served with `Content-Security-Policy: sandbox allow-scripts`). */
  url: string;
  onMessage: (message: FromSandbox) => void;
  /** How long the iframe may take to restart its worker before the iframe itself is replaced. */
  restartTimeoutMs?: number;
}

/**
 * The host's end of the sandbox: an `<iframe sandbox="allow-scripts">` (opaque origin: no cookies,
 * storage or DOM of ours) whose renderer worker runs user code. Accepts messages only from that
 * iframe. Pointer input is forwarded, because the iframe takes no events of its own: keyboard and
 * focus stay with the page.
 */
export function createSandboxFrame(options: SandboxFrameOptions) {
  let iframe: HTMLIFrameElement | undefined;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let rendererReady = false;
  let frameReady = false;

  const onWindowMessage = (event: MessageEvent) => {
    if (!iframe || event.source !== iframe.contentWindow) return;
    const message = event.data as FromSandbox;
    if (!message || typeof message.t !== 'string') return;
    if (message.t === 'frame-ready') {
      if (frameReady) return; // answered both to our hello and on its own load
      frameReady = true;
    }
    if (message.t === 'renderer-ready') {
      if (rendererReady) return;
      rendererReady = true;
      clearTimeout(restartTimer);
    }
    options.onMessage(message);
  };
  window.addEventListener('message', onWindowMessage);

  const onPointer = (event: PointerEvent) => {
    const box = options.container.getBoundingClientRect();
    send({ t: 'pointer', x: event.clientX - box.left, y: event.clientY - box.top, buttons: event.buttons });
  };
  options.container.addEventListener('pointermove', onPointer);
  options.container.addEventListener('pointerdown', onPointer);
  options.container.addEventListener('pointerup', onPointer);

  function create(existing?: HTMLIFrameElement | null) {
    rendererReady = false;
    frameReady = false;
    if (existing && existing.getAttribute('sandbox') === 'allow-scripts') {
      iframe = existing;
      iframe.tabIndex = -1;
      send({ t: 'hello' }); // lost if it has not loaded yet; then it announces itself
      return;
    }
    iframe?.remove();
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.setAttribute('title', 'Patchroom renderer');
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.dataset.testid = 'renderer-frame';
    Object.assign(frame.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', border: '0', pointerEvents: 'none' });
    frame.src = options.url;
    options.container.appendChild(frame);
    iframe = frame;
  }

  function send(message: ToSandbox) {
    // The iframe's origin is opaque ("null"), so no target origin can name it.
    iframe?.contentWindow?.postMessage(message, '*');
  }

  create(options.existing);

  return {
    send,
    /** The iframe runs and passes messages on: a worker still starting queues them. */
    get accepting() {
      return frameReady;
    },
    get ready() {
      return rendererReady;
    },
    /** Kills the renderer worker and starts a new one; replaces the whole iframe if that stalls. */
    restart(reason: string) {
      rendererReady = false;
      send({ t: 'restart', reason });
      clearTimeout(restartTimer);
      restartTimer = setTimeout(() => {
        if (!rendererReady) create();
      }, options.restartTimeoutMs ?? 2000);
    },
    dispose() {
      clearTimeout(restartTimer);
      window.removeEventListener('message', onWindowMessage);
      options.container.removeEventListener('pointermove', onPointer);
      options.container.removeEventListener('pointerdown', onPointer);
      options.container.removeEventListener('pointerup', onPointer);
      iframe?.remove();
      iframe = undefined;
    },
  };
}
