import { useState } from 'react';
import { contactFullName, splitFullName } from '../../domain/contact';
import { useAppServices } from '../../hooks/app-services';
import { useNotify } from '../../hooks/use-notify';
import { useNavigate } from '../../hooks/use-route';
import { ContactForm, EMPTY_CONTACT_DRAFT, type ContactDraft } from './contact-form';
import { pointDraft } from './contact-points-editor';
import { QuickAddForm } from './quick-add-form';

/** Quick add first (name and phone); "More details" opens the full form with what was typed. */
export function ContactNewScreen() {
  const { store } = useAppServices();
  const navigate = useNavigate();
  const notify = useNotify();
  const [full, setFull] = useState<ContactDraft | null>(null);

  return (
    <section className="screen" aria-labelledby="new-title">
      <div className="screen__header">
        <h1 id="new-title">{full ? 'New contact' : 'Quick add'}</h1>
      </div>
      {full ? (
        <ContactForm
          initial={full}
          submitLabel="Save contact"
          onCancel={() => navigate('/contacts')}
          onSubmit={async (input) => {
            const result = await store.addContact(input);
            if (!result.ok) return result.error.message;
            notify(`Added ${contactFullName(input)}`);
            navigate(`/contacts/${result.value}`, { replace: true });
            return null;
          }}
        />
      ) : (
        <QuickAddForm
          onMoreDetails={(name, phone) => setFull({ ...EMPTY_CONTACT_DRAFT, ...splitFullName(name), phones: [pointDraft({ label: 'mobile', value: phone }, 0)] })}
          onSave={async (name, phone) => {
            const result = await store.quickAddContact(name, phone);
            if (!result.ok) return result.error.message;
            const id = result.value;
            notify(`Added ${name.trim()}`, { label: 'View', run: () => navigate(`/contacts/${id}`) });
            return null;
          }}
        />
      )}
    </section>
  );
}
