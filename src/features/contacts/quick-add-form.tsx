import { CONTACT_LIMITS, splitFullName } from '../../domain/contact';
import { quickAddSchema, type QuickAddInput } from '../../domain/contact-schema';
import { validate } from '../../domain/form-errors';
import { err } from '../../shared/result';
import { useForm } from '../../hooks/use-form';
import { FormError } from '../../ui/form-error';
import { TextField } from '../../ui/field';

type QuickAddFormProps = {
  readonly onSave: (name: string, phone: string) => Promise<string | null>;
  readonly onMoreDetails: (name: string, phone: string) => void;
};

function validateQuickAdd(draft: { name: string; phone: string }) {
  const result = validate(quickAddSchema, draft);
  if (!result.ok) return result;
  const { first_name, last_name } = splitFullName(result.value.name);
  if (first_name.length > CONTACT_LIMITS.name || last_name.length > CONTACT_LIMITS.name)
    return err({ name: `First and last name can be at most ${CONTACT_LIMITS.name} characters each` });
  return result;
}

/** Name and phone, then Save: under ten seconds in the field. The form clears for the next person. */
export function QuickAddForm({ onSave, onMoreDetails }: QuickAddFormProps) {
  const { draft, set, errors, saving, submit } = useForm({
    initial: { name: '', phone: '' },
    validate: validateQuickAdd,
    save: (input: QuickAddInput) => onSave(input.name, input.phone),
    resetOnSave: true,
  });
  return (
    <form className="form quick-add" onSubmit={submit} noValidate aria-label="Quick add">
      <FormError message={errors['form']} />
      <TextField label="Name" name="name" value={draft.name} onChange={set('name')} error={errors['name']} autoComplete="off" required autoFocus />
      <TextField label="Phone" name="phone" type="tel" inputMode="tel" value={draft.phone} onChange={set('phone')} error={errors['phone']} autoComplete="off" />
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={() => onMoreDetails(draft.name, draft.phone)}>
          More details
        </button>
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save contact'}
        </button>
      </div>
    </form>
  );
}
