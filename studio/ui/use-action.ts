import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/api-error';
import { asApiError } from '../api/error-text';

export interface Action {
  pending: boolean;
  error: ApiError | undefined;
  /** Seconds until a rate-limited action may be tried again (0: now). */
  wait: number;
  /** Runs `task`, showing progress and keeping its error; resolves to its result, or undefined when it failed. */
  run<T>(task: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
}

/** Progress, error and rate-limit wait of one button's work: every server action in the studio shows them the same way. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [retryAt, setRetryAt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (retryAt <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(1000, retryAt - now));
    return () => clearTimeout(timer);
  }, [retryAt, now]);

  const run = useCallback(async <T,>(task: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await task();
    } catch (thrown) {
      const failure = asApiError(thrown);
      if (mounted.current) {
        setError(failure);
        if (failure.retryAfter) {
          setRetryAt(Date.now() + failure.retryAfter * 1000);
          setNow(Date.now());
        }
      }
      return undefined;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { pending, error, wait: Math.max(0, Math.ceil((retryAt - now) / 1000)), run, clear };
}
