import { useStore } from 'zustand';
import { CLIPBOARD_HELP, QUEUE_HELP, SHORTCUTS } from './shortcuts';
import { useStudio } from './studio';

export function Help() {
  const { ui } = useStudio();
  const open = useStore(ui, (s) => s.help);
  if (!open) return null;
  return (
    <div className="pr-help-backdrop" onClick={() => ui.toggleHelp()}>
      <div className="pr-help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard</h2>
        <dl>
          {[...SHORTCUTS, ...CLIPBOARD_HELP, ...QUEUE_HELP].map((s) => (
            <div key={s.keys}>
              <dt>{s.keys}</dt>
              <dd>{s.does}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={() => ui.toggleHelp()}>
          Close
        </button>
      </div>
    </div>
  );
}
