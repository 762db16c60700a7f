import { createStore } from 'zustand/vanilla';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
}

export interface UiState {
  toasts: Toast[];
  /** The UI hidden over a full-window preview (Ctrl+Shift+H). */
  hidden: boolean;
  palette: { x: number; y: number } | undefined;
  help: boolean;
}

let nextToast = 1;
const TOAST_MS = 5000;

/** Transient interface state: toasts, the palette, hidden UI. Outside React like the patch store. */
export function createUiStore() {
  const store = createStore<UiState>(() => ({ toasts: [], hidden: false, palette: undefined, help: false }));
  const dismiss = (id: number) => store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  return {
    ...store,
    toast(message: string, kind: Toast['kind'] = 'info') {
      const toast = { id: nextToast++, kind, message };
      store.setState((s) => ({ toasts: [...s.toasts.slice(-4), toast] }));
      setTimeout(() => dismiss(toast.id), kind === 'error' ? TOAST_MS * 2 : TOAST_MS);
    },
    dismiss,
    openPalette(at: { x: number; y: number }) {
      store.setState({ palette: at });
    },
    closePalette() {
      store.setState({ palette: undefined });
    },
    toggleHidden() {
      store.setState((s) => ({ hidden: !s.hidden }));
    },
    toggleHelp() {
      store.setState((s) => ({ help: !s.help }));
    },
  };
}

export type UiStore = ReturnType<typeof createUiStore>;
