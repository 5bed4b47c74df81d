import { useEffect, useState } from 'react';
import type { Store } from '../shared/subscribable';
import { useStoreValue } from '../hooks/use-store-value';

/**
 * The one role="status" live region, mounted at start. Announcements are debounced so a burst of
 * toasts reads as the last one, and focus never moves.
 */
export function StatusRegion({ announcements }: { readonly announcements: Store<string> }) {
  const latest = useStoreValue(announcements);
  const [spoken, setSpoken] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSpoken(latest), 250);
    return () => clearTimeout(timer);
  }, [latest]);
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className="visually-hidden">
      {spoken}
    </div>
  );
}
