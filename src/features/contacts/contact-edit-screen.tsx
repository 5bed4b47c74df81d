import { contactFullName } from '../../domain/contact';
import { useAppServices } from '../../hooks/app-services';
import { useContact } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { useNavigate } from '../../hooks/use-route';
import { EmptyState } from '../../ui/empty-state';
import { ContactForm, toContactDraft } from './contact-form';

export function ContactEditScreen({ id }: { readonly id: string }) {
  const { store } = useAppServices();
  const navigate = useNavigate();
  const notify = useNotify();
  const contact = useContact(id);
  if (contact === undefined) return <p className="loading">Loading…</p>;
  if (contact === null) return <EmptyState title="Contact not found">It may have been deleted.</EmptyState>;
  return (
    <section className="screen" aria-labelledby="edit-title">
      <div className="screen__header">
        <h1 id="edit-title">Edit {contactFullName(contact)}</h1>
      </div>
      <ContactForm
        key={contact.id}
        initial={toContactDraft(contact)}
        submitLabel="Save changes"
        onCancel={() => navigate(`/contacts/${id}`)}
        onSubmit={async (input) => {
          const result = await store.updateContact(id, input);
          if (!result.ok) return result.error.message;
          notify(`Saved ${contactFullName(input)}`);
          navigate(`/contacts/${id}`, { replace: true });
          return null;
        }}
      />
    </section>
  );
}
