import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { keepKeysInside } from './keys';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';
const FIELDS = 'input:not(:disabled):not([type=hidden]), select:not(:disabled), textarea:not(:disabled)';

/**
 * A modal dialog: focus starts on the first field (else the first button) and returns where it was,
 * Tab stays inside, Esc and a click outside close it, and keys never reach the editor behind it.
 */
export function Dialog({ title, onClose, children, testId, className = '' }: { title: string; onClose(): void; children: ReactNode; testId: string; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>(FIELDS) ?? box.current?.querySelector<HTMLElement>(`.pr-dialog-body ${FOCUSABLE}`);
    (first ?? box.current)?.focus();
    return () => before?.focus?.();
  }, []);

  // Focus can fall out of the dialog (a button disabled while it works hands focus to <body>): keys
  // from outside still belong to the dialog, never to the editor behind it.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const stray = (e: globalThis.KeyboardEvent) => {
      if (!box.current || box.current.contains(e.target as Node)) return;
      e.stopPropagation();
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
      } else if (e.key === 'Tab') {
        e.preventDefault();
        (box.current.querySelector<HTMLElement>(FOCUSABLE) ?? box.current).focus();
      }
    };
    document.addEventListener('keydown', stray, true);
    return () => document.removeEventListener('keydown', stray, true);
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    keepKeysInside(e);
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'Tab') {
      trapTab(e, box.current);
    }
  };

  return (
    <div className="pr-help-backdrop pr-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} className={`pr-help pr-dialog ${className}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId} tabIndex={-1} onKeyDown={onKeyDown}>
        <header className="pr-dialog-head">
          <h2>{title}</h2>
          <button type="button" className="pr-dialog-close" aria-label="Close" onClick={onClose} data-testid={`${testId}-close`}>
            ×
          </button>
        </header>
        <div className="pr-dialog-body">{children}</div>
      </div>
    </div>
  );
}

function trapTab(e: KeyboardEvent, box: HTMLElement | null) {
  const focusable = [...(box?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
