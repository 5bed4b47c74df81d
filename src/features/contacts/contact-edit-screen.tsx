import { useState } from 'react';
import { contactFullName, type Contact, type ContactInput } from '../../domain/contact';
import { useAppServices } from '../../hooks/app-services';
import { useContact } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { useNavigate } from '../../hooks/use-route';
import { EmptyState } from '../../ui/empty-state';
import { ContactForm, toContactDraft } from './contact-form';

/** The fields the member actually changed, compared with the contact as it was when the form opened. */
export function changedFields(opened: ContactInput, edited: ContactInput): Partial<ContactInput> {
  const keys = (Object.keys(edited) as (keyof ContactInput)[]).filter((key) => JSON.stringify(opened[key]) !== JSON.stringify(edited[key]));
  return Object.fromEntries(keys.map((key) => [key, edited[key]]));
}

function EditForm({ contact }: { readonly contact: Contact }) {
  const { store } = useAppServices();
  const navigate = useNavigate();
  const notify = useNotify();
  // The contact as the form opened it: edits are diffed against this, not against later remote changes.
  const [opened] = useState(contact);
  const [initial] = useState(() => toContactDraft(contact));
  return (
    <ContactForm
      initial={initial}
      submitLabel="Save changes"
      onCancel={() => navigate(`/contacts/${contact.id}`)}
      onSubmit={async (input) => {
        const result = await store.updateContact(contact.id, changedFields(opened, input));
        if (!result.ok) return result.error.message;
        notify(`Saved ${contactFullName(input)}`);
        navigate(`/contacts/${contact.id}`, { replace: true });
        return null;
      }}
    />
  );
}

export function ContactEditScreen({ id }: { readonly id: string }) {
  const contact = useContact(id);
  if (contact === undefined) return <p className="loading">Loading…</p>;
  if (contact === null) return <EmptyState title="Contact not found">It may have been deleted.</EmptyState>;
  return (
    <section className="screen" aria-labelledby="edit-title">
      <div className="screen__header">
        <h1 id="edit-title">Edit {contactFullName(contact)}</h1>
      </div>
      <EditForm key={contact.id} contact={contact} />
    </section>
  );
}
