import { CHANNEL_LABELS, TEMPLATE_CHANNELS, type EmailTemplateInput, type TemplateChannel } from '../../domain/email-template';
import { emailTemplateInputSchema } from '../../domain/email-template-schema';
import { validate, type FieldErrors } from '../../domain/form-errors';
import { MERGE_FIELDS, listUnknownMergeFields, mergeValuesFor, renderMergeFields } from '../../domain/merge-fields';
import type { MemberProfile } from '../../domain/member-profile';
import { useForm } from '../../hooks/use-form';
import { err } from '../../shared/result';
import { FormError } from '../../ui/form-error';
import { SelectField, TextField } from '../../ui/field';

type Draft = { name: string; channel: TemplateChannel; subject: string; body: string; track_links: boolean; is_invitation: boolean };

const SAMPLE_CONTACT = { first_name: 'Jane', last_name: 'Doe', phone: '+1 555 010 0199', email: 'jane@example.com' };

/** The schema's rules, plus: every merge field must be one a contact can fill. */
function validateTemplate(draft: Draft) {
  const result = validate(emailTemplateInputSchema, draft);
  const unknown = listUnknownMergeFields(`${draft.subject} ${draft.body}`);
  if (unknown.length === 0) return result;
  const errors: Record<string, string> = result.ok ? {} : { ...result.error };
  errors['body'] ??= `Unknown merge field${unknown.length > 1 ? 's' : ''}: ${unknown.map((name) => `{{${name}}}`).join(', ')}`;
  return err<FieldErrors>(errors);
}

type TemplateFormProps = {
  readonly initial: Draft;
  readonly profile: MemberProfile | null;
  readonly onSubmit: (input: EmailTemplateInput) => Promise<string | null>;
  readonly onCancel: () => void;
};

/** Template editor with a live preview filled in for a sample contact, shown as plain text. */
export function TemplateForm({ initial, profile, onSubmit, onCancel }: TemplateFormProps) {
  const { draft, set, errors, saving, submit } = useForm({ initial, validate: validateTemplate, save: onSubmit });
  const values = mergeValuesFor({ contact: SAMPLE_CONTACT, profile });

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Template">
      <FormError message={errors['form']} />
      <div className="form__row">
        <TextField label="Template name" name="name" value={draft.name} onChange={set('name')} error={errors['name']} required />
        <SelectField label="Channel" name="channel" value={draft.channel} onChange={set('channel')} options={TEMPLATE_CHANNELS.map((value) => ({ value, label: CHANNEL_LABELS[value] }))} />
      </div>
      {draft.channel === 'email' ? <TextField label="Subject" name="subject" value={draft.subject} onChange={set('subject')} error={errors['subject']} /> : null}
      <TextField
        label="Message"
        name="body"
        value={draft.body}
        onChange={set('body')}
        error={errors['body']}
        multiline
        required
        hint={`Merge fields: ${MERGE_FIELDS.map((field) => `{{${field}}}`).join(' ')}. Add a fallback with {{first_name|there}}.`}
      />
      <label className="check">
        <input type="checkbox" checked={draft.track_links} onChange={(event) => set('track_links')(event.target.checked)} />
        <span>
          Track links
          <span className="hint">
            Each link becomes a short link of its own for each send, so you see when the person opens it (link previews and email scanners are not counted). Email opens are not tracked: privacy proxies and image
            blocking make them meaningless.
          </span>
        </span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.is_invitation}
          onChange={(event) => set('is_invitation')(event.target.checked)}
        />
        <span>
          This is an invitation
          <span className="hint">Each send counts toward your Invitations goal.</span>
        </span>
      </label>
      <figure className="preview" aria-label="Preview">
        <figcaption>Preview for Jane Doe</figcaption>
        {draft.channel === 'email' && draft.subject ? <p className="preview__subject">{renderMergeFields(draft.subject, values)}</p> : null}
        <p className="preview__body">{renderMergeFields(draft.body, values) || ' '}</p>
      </figure>
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={saving}>
          Save template
        </button>
      </div>
    </form>
  );
}
