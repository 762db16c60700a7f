import { useStore } from 'zustand';
import { ConnectionStatus } from '../sync/ConnectionStatus';
import { useStudio } from './studio';

const STATUS_TEXT = { loading: 'Starting the renderer…', running: 'Running', recovered: 'Last good picture', fallback: 'Fallback picture' } as const;

/** What the preview is doing, and the error of the last program, with its line and node. */
export function StatusBar() {
  const { run } = useStudio();
  const status = useStore(run, (s) => s.status);
  const error = useStore(run, (s) => s.error);
  const issues = useStore(run, (s) => s.issues);
  const warnings = issues.filter((i) => i.severity === 'warning');
  return (
    <footer className="pr-status" data-testid="status" data-status={status}>
      <span className={`pr-status-dot pr-status-${status}`} />
      <span>{STATUS_TEXT[status]}</span>
      {error && (
        <span className="pr-status-error" role="alert" data-testid="run-error">
          {error.message}
          {error.line ? ` (line ${error.line}${error.node ? `, node ${error.node}` : ''})` : error.node ? ` (node ${error.node})` : ''}
        </span>
      )}
      {!error && warnings.length > 0 && <span className="pr-status-warning" title={warnings.map((w) => w.message).join('\n')}>{warnings.length} warning{warnings.length > 1 ? 's' : ''}</span>}
      <span className="pr-spacer" />
      <ConnectionStatus />
    </footer>
  );
}
