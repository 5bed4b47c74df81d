import { lazy, Suspense } from 'react';

// The contact screen (actions, compose sheet, every number and address) loads on first open, not with
// the app: the first load has a size budget, and the precached chunk opens offline all the same.
const ContactDetails = lazy(() => import('./contact-details').then((module) => ({ default: module.ContactDetails })));

/** One contact, by id (its details load on first use). */
export function ContactScreen({ id }: { readonly id: string }) {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <ContactDetails id={id} />
    </Suspense>
  );
}
