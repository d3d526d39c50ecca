import { useCallback, useEffect, useRef, useState } from 'react';
import { StudioError } from '../../../shared/contract/index';

/**
 * Loads something from the host when `key` changes (and every `intervalMs` if given), keeping the last answer and the
 * contract error code of the last failure. `reload` loads again now. Answers that arrive after the page moved on are
 * dropped.
 */
export function usePolledCall<T>(load: () => Promise<T>, key: string, intervalMs = 0): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });

  useEffect(() => {
    let live = true;
    const run = () =>
      latest.current().then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(null);
        },
        (e: unknown) => live && setError(e instanceof StudioError ? e.code : 'INTERNAL'),
      );
    void run();
    const timer = intervalMs > 0 ? setInterval(() => void run(), intervalMs) : null;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [key, tick, intervalMs]);

  return { data, error, reload: useCallback(() => setTick((n) => n + 1), []) };
}
