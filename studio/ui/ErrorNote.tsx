import type { ApiError } from '../api/api-error';
import { errorHeadline } from '../api/error-text';

/** An action's error next to the form or button that caused it: headline, the server's message, and any wait. */
export function ErrorNote({ error, wait = 0, testId }: { error: ApiError | undefined; wait?: number; testId?: string }) {
  if (!error) return null;
  return (
    <p className="pr-error-note" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{errorHeadline(error)}.</strong> {error.message}
      {wait > 0 && <span data-testid={testId ? `${testId}-wait` : undefined}> You can try again in {wait} s.</span>}
    </p>
  );
}
