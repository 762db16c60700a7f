import type { UiStore } from '../state/ui-store';

/** Copies with the Clipboard API; where that is refused (no permission, http), the toast shows the text to copy by hand. */
export function copyToClipboard(text: string, what: string, ui: UiStore): Promise<void> {
  const write = navigator.clipboard?.writeText(text) ?? Promise.reject(new Error('no clipboard'));
  return write.then(
    () => ui.toast(`${what} copied to the clipboard.`),
    () => ui.toast(`${what}: ${text}`),
  );
}
