import type { KeyboardEvent } from 'react';
import { SHORTCUTS } from '../app/shortcuts';

/**
 * Keys pressed inside a dialog or panel stay there: Space on a focused button must press it, not
 * open the node palette; Delete must not delete nodes. Shortcuts marked global (Ctrl+Enter…) still
 * reach the studio when `letGlobal` is set (panels, not modal dialogs).
 */
export function keepKeysInside(e: KeyboardEvent, letGlobal = false): void {
  if (letGlobal && SHORTCUTS.some((s) => s.global && s.match(e.nativeEvent))) return;
  e.stopPropagation();
}
