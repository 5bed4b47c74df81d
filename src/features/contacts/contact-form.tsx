import {
  CONTACT_STAGES,
  CONTACT_TYPE_LABELS,
  CONTACT_TYPES,
  STAGE_LABELS,
  parseTags,
  type ContactInput,
  type ContactStage,
  type ContactType,
} from '../../domain/contact';
import { contactInputSchema } from '../../domain/contact-schema';
import { validate } from '../../domain/form-errors';
import { useForm } from '../../hooks/use-form';
import { FormError } from '../../ui/form-error';
import { SelectField, TextField } from '../../ui/field';

export type ContactDraft = {
  first_name: string;
  last_name: string;
  phone: string;
  email: string;
  stage: ContactStage;
  contact_type: ContactType;
  lead_source: string;
  tags: string;
  notes: string;
  next_follow_up_on: string;
};

export const EMPTY_CONTACT_DRAFT: ContactDraft = {
  first_name: '',
  last_name: '',
  phone: '',
  email: '',
  stage: 'new',
  contact_type: 'customer',
  lead_source: '',
  tags: '',
  notes: '',
  next_follow_up_on: '',
};

export function toContactDraft(contact: ContactInput): ContactDraft {
  return { ...contact, tags: contact.tags.join(', '), next_follow_up_on: contact.next_follow_up_on ?? '' };
}

function toContactInput(draft: ContactDraft) {
  return validate(contactInputSchema, {
    ...draft,
    tags: parseTags(draft.tags),
    next_follow_up_on: draft.next_follow_up_on === '' ? null : draft.next_follow_up_on,
  });
}

type ContactFormProps = {
  readonly initial: ContactDraft;
  readonly submitLabel: string;
  /** Returns a message when saving failed; the form then keeps everything typed. */
  readonly onSubmit: (input: ContactInput) => Promise<string | null>;
  readonly onCancel: () => void;
};

/** The full contact form. zod decides what is valid; errors appear beside their fields and nothing typed is cleared. */
export function ContactForm({ initial, submitLabel, onSubmit, onCancel }: ContactFormProps) {
  const { draft, set, errors, saving, submit } = useForm({ initial, validate: toContactInput, save: onSubmit });

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Contact details">
      <FormError message={errors['form']} />
      <div className="form__row">
        <TextField label="First name" name="first_name" value={draft.first_name} onChange={set('first_name')} error={errors['first_name']} autoComplete="off" required />
        <TextField label="Last name" name="last_name" value={draft.last_name} onChange={set('last_name')} error={errors['last_name']} autoComplete="off" />
      </div>
      <div className="form__row">
        <TextField label="Phone" name="phone" type="tel" inputMode="tel" value={draft.phone} onChange={set('phone')} error={errors['phone']} autoComplete="off" />
        <TextField label="Email" name="email" type="email" inputMode="email" value={draft.email} onChange={set('email')} error={errors['email']} autoComplete="off" />
      </div>
      <div className="form__row">
        <SelectField
          label="Stage"
          name="stage"
          value={draft.stage}
          onChange={set('stage')}
          error={errors['stage']}
          options={CONTACT_STAGES.map((stage) => ({ value: stage, label: STAGE_LABELS[stage] }))}
        />
        <SelectField
          label="Type"
          name="contact_type"
          value={draft.contact_type}
          onChange={set('contact_type')}
          error={errors['contact_type']}
          options={CONTACT_TYPES.map((type) => ({ value: type, label: CONTACT_TYPE_LABELS[type] }))}
        />
      </div>
      <div className="form__row">
        <TextField label="Lead source" name="lead_source" value={draft.lead_source} onChange={set('lead_source')} error={errors['lead_source']} placeholder="Instagram, referral…" />
        <TextField label="Next follow-up" name="next_follow_up_on" type="date" value={draft.next_follow_up_on} onChange={set('next_follow_up_on')} error={errors['next_follow_up_on']} />
      </div>
      <TextField label="Tags" name="tags" value={draft.tags} onChange={set('tags')} error={errors['tags']} hint="Separate tags with commas" />
      <TextField label="Notes" name="notes" value={draft.notes} onChange={set('notes')} error={errors['notes']} multiline />
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
