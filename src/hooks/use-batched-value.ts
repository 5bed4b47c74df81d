import { useEffect, useRef, useState } from 'react';

/**
 * Shows a changing value in batches: the first change opens a window of `delayMs`, later changes in
 * the window join it, and the newest value is shown when it closes. So a burst renders once (no
 * flicker) and a lone change is never later than `delayMs`. The first value is shown at once.
 */
export function useBatchedValue<T>(value: T, delayMs: number): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    latest.current = value;
    if (Object.is(value, shown) || timer.current !== null) return;
    if (shown === undefined || delayMs <= 0) {
      setShown(value);
      return;
    }
    timer.current = setTimeout(() => {
      timer.current = null;
      setShown(latest.current);
    }, delayMs);
  }, [value, shown, delayMs]);

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return shown;
}
