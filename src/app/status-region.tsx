import { useEffect, useState } from 'react';
import type { Announcer } from '../shared/announcer';
import { useStoreValue } from '../hooks/use-store-value';

/**
 * The one role="status" live region, mounted at start. Announcements are debounced so a burst of
 * toasts reads as the last one; the region is emptied first so a repeated message is read again.
 * Focus never moves.
 */
export function StatusRegion({ announcements }: { readonly announcements: Announcer }) {
  const latest = useStoreValue(announcements);
  const [spoken, setSpoken] = useState('');
  useEffect(() => {
    if (latest.seq === 0) return;
    setSpoken('');
    const timer = setTimeout(() => setSpoken(latest.text), 250);
    return () => clearTimeout(timer);
  }, [latest]);
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className="visually-hidden">
      {spoken}
    </div>
  );
}
