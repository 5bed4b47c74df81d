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
import { validate, type FieldErrors } from '../../domain/form-errors';
import { useForm } from '../../hooks/use-form';
import { err, type Result } from '../../shared/result';
import { FormError } from '../../ui/form-error';
import { SelectField, TextField } from '../../ui/field';
import { PointsEditor, pointDraft, pointDrafts, pointLabelOf, type PointDraft } from './contact-points-editor';

export type ContactDraft = {
  first_name: string;
  last_name: string;
  phones: PointDraft[];
  emails: PointDraft[];
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
  phones: [pointDraft({ label: 'mobile', value: '' }, 0)],
  emails: [pointDraft({ label: 'home', value: '' }, 0)],
  stage: 'new',
  contact_type: 'customer',
  lead_source: '',
  tags: '',
  notes: '',
  next_follow_up_on: '',
};

export function toContactDraft(contact: ContactInput): ContactDraft {
  return {
    first_name: contact.first_name,
    last_name: contact.last_name,
    stage: contact.stage,
    contact_type: contact.contact_type,
    lead_source: contact.lead_source,
    notes: contact.notes,
    phones: contact.phones.length > 0 ? pointDrafts(contact.phones) : EMPTY_CONTACT_DRAFT.phones,
    emails: contact.emails.length > 0 ? pointDrafts(contact.emails) : EMPTY_CONTACT_DRAFT.emails,
    tags: contact.tags.join(', '),
    next_follow_up_on: contact.next_follow_up_on ?? '',
  };
}

/** The rows with something typed, and for each the row's place in the form (blank rows are left out, not errors). */
function filledRows(rows: readonly PointDraft[]) {
  const places: number[] = [];
  const points = rows.flatMap((row, place) => {
    if (row.value.trim() === '') return [];
    places.push(place);
    return [{ label: pointLabelOf(row), value: row.value }];
  });
  return { points, places };
}

/** Error keys of list rows ('phones.0.value') moved from the place among filled rows to the place in the form. */
function toFormPlaces(errors: FieldErrors, places: Readonly<Record<string, readonly number[]>>): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([key, message]) => {
      const [list, index, ...rest] = key.split('.');
      const at = list === undefined || index === undefined ? undefined : places[list]?.[Number(index)];
      return [at === undefined ? key : [list, at, ...rest].join('.'), message];
    }),
  );
}

function toContactInput(draft: ContactDraft): Result<ContactInput, FieldErrors> {
  const phones = filledRows(draft.phones);
  const emails = filledRows(draft.emails);
  const result = validate(contactInputSchema, {
    ...draft,
    // The single fields mirror the primary, so an edit that leaves the lists alone changes neither.
    phone: phones.points[0]?.value ?? '',
    email: emails.points[0]?.value ?? '',
    phones: phones.points,
    emails: emails.points,
    tags: parseTags(draft.tags),
    next_follow_up_on: draft.next_follow_up_on === '' ? null : draft.next_follow_up_on,
  });
  return result.ok ? result : err(toFormPlaces(result.error, { phones: phones.places, emails: emails.places }));
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
      <PointsEditor kind="phones" rows={draft.phones} onChange={set('phones')} errors={errors} defaultLabel="mobile" />
      <PointsEditor kind="emails" rows={draft.emails} onChange={set('emails')} errors={errors} defaultLabel="home" />
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
