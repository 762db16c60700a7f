/** The studio's keyboard habits, in one table: the help overlay lists the same entries. */
export interface Shortcut {
  keys: string;
  does: string;
  /** Works even while typing in a field or the code editor. */
  global?: boolean;
  match(e: KeyboardEvent): boolean;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;

export type ShortcutAction =
  | 'evaluate'
  | 'hide-ui'
  | 'fullscreen'
  | 'undo'
  | 'redo'
  | 'delete'
  | 'duplicate'
  | 'palette'
  | 'arrange'
  | 'fit'
  | 'select-all'
  | 'library'
  | 'help'
  | 'escape';

export const SHORTCUTS: Array<Shortcut & { action: ShortcutAction }> = [
  { action: 'evaluate', keys: 'Ctrl+Enter', does: 'Run: apply the code (code → patch in patch mode)', global: true, match: (e) => mod(e) && e.key === 'Enter' },
  { action: 'hide-ui', keys: 'Ctrl+Shift+H', does: 'Hide or show the interface over the preview', global: true, match: (e) => mod(e) && e.shiftKey && e.key.toLowerCase() === 'h' },
  { action: 'palette', keys: 'Space or Tab', does: 'Add a node at the pointer', match: (e) => !mod(e) && (e.key === ' ' || e.key === 'Tab') },
  { action: 'undo', keys: 'Ctrl+Z', does: 'Undo', match: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'z' },
  { action: 'redo', keys: 'Ctrl+Shift+Z or Ctrl+Y', does: 'Redo', match: (e) => mod(e) && ((e.shiftKey && e.key.toLowerCase() === 'z') || e.key.toLowerCase() === 'y') },
  { action: 'delete', keys: 'Delete or Backspace', does: 'Delete the selected nodes', match: (e) => e.key === 'Delete' || e.key === 'Backspace' },
  { action: 'duplicate', keys: 'Ctrl+D', does: 'Duplicate the selected nodes', match: (e) => mod(e) && e.key.toLowerCase() === 'd' },
  { action: 'select-all', keys: 'Ctrl+A', does: 'Select every node', match: (e) => mod(e) && e.key.toLowerCase() === 'a' },
  { action: 'arrange', keys: 'Shift+A', does: 'Arrange the nodes left to right', match: (e) => !mod(e) && e.shiftKey && e.key.toLowerCase() === 'a' },
  { action: 'fit', keys: 'Home', does: 'Zoom to fit all nodes', match: (e) => e.key === 'Home' },
  { action: 'fullscreen', keys: 'F', does: 'Full-screen preview', match: (e) => !mod(e) && !e.shiftKey && e.key.toLowerCase() === 'f' },
  { action: 'library', keys: 'L', does: 'Show or hide the library (presets and media)', match: (e) => !mod(e) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'l' },
  { action: 'help', keys: '?', does: 'Show these shortcuts', match: (e) => e.key === '?' },
  { action: 'escape', keys: 'Esc', does: 'Close the palette or this help', match: (e) => e.key === 'Escape' },
];

/** Copy, paste and cut use the browser's own clipboard events (Ctrl+C/V/X), so they work between tabs. */
export const CLIPBOARD_HELP = [
  { keys: 'Ctrl+C / Ctrl+V / Ctrl+X', does: 'Copy, paste, cut nodes (also between tabs, as JSON)' },
  { keys: 'Ctrl+click', does: 'Select several nodes' },
];

/** In a live room's queue panel (on a focused entry). */
export const QUEUE_HELP = [
  { keys: 'Alt+↑ / Alt+↓', does: 'Move the focused queue entry up or down' },
  { keys: 'Delete', does: 'Remove the focused queue entry' },
];

/** True when the key goes to a text field or the code editor and must not trigger editor shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('.monaco-editor') !== null;
}

export function findShortcut(e: KeyboardEvent): ShortcutAction | undefined {
  const typing = isTyping(e.target);
  return SHORTCUTS.find((s) => (!typing || s.global) && s.match(e))?.action;
}
