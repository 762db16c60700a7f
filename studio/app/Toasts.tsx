import { useStore } from 'zustand';
import { useStudio } from './studio';

/** Messages that come and go; errors stay longer. Screen readers hear them (status / alert). */
export function Toasts() {
  const { ui } = useStudio();
  const toasts = useStore(ui, (s) => s.toasts);
  return (
    <div className="pr-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`pr-toast pr-toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
          <span>{t.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => ui.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
