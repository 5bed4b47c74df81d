import { lazy, Suspense } from 'react';

const loadDetails = () => import('./contact-details');

// The contact screen (actions, compose sheet, every number and address) is not part of the first load,
// which has a size budget; the list starts loading it (preloadContactScreen), so a contact opened
// offline right after the first visit, before the service worker has cached everything, still opens.
const ContactDetails = lazy(() => loadDetails().then((module) => ({ default: module.ContactDetails })));

/** Starts loading the contact screen's code in the background. */
export function preloadContactScreen(): void {
  loadDetails().catch(() => undefined);
}

/** One contact, by id (its details load on first use). */
export function ContactScreen({ id }: { readonly id: string }) {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <ContactDetails id={id} />
    </Suspense>
  );
}
