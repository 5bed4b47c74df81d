import { useCallback, useRef, useState } from 'react';

/**
 * The width (CSS px) of the element the chart is drawn in, followed with a ResizeObserver. Charts draw
 * at this width with a matching viewBox, so text stays at its real size on a phone and on a desktop.
 * Reading happens in the observer's callback (after layout), never during render: no layout thrash.
 * `fallback` is used until the first measurement (and where nothing is laid out, as in tests).
 */
export function useChartWidth(fallback = 340): { ref: (element: HTMLElement | null) => void; width: number } {
  const [width, setWidth] = useState(fallback);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback(
    (element: HTMLElement | null) => {
      observer.current?.disconnect();
      observer.current = null;
      if (!element) return;
      const update = (measured: number) => {
        const rounded = Math.round(measured);
        if (rounded > 0) setWidth((current) => (Math.abs(current - rounded) >= 1 ? rounded : current));
      };
      update(element.getBoundingClientRect().width || fallback);
      if (typeof ResizeObserver === 'undefined') return;
      observer.current = new ResizeObserver((entries) => {
        const entry = entries[entries.length - 1];
        if (entry) update(entry.contentRect.width);
      });
      observer.current.observe(element);
    },
    [fallback],
  );
  return { ref, width };
}
