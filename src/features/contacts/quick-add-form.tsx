import { useState, type FormEvent } from 'react';
import { CONTACT_LIMITS, splitFullName } from '../../domain/contact';
import { quickAddSchema } from '../../domain/contact-schema';
import { toFieldErrors, type FieldErrors } from '../../domain/form-errors';
import { useDirtyForm } from '../../hooks/use-dirty-form';
import { TextField } from '../../ui/field';

type QuickAddFormProps = {
  readonly onSave: (name: string, phone: string) => Promise<string | null>;
  readonly onMoreDetails: (name: string, phone: string) => void;
};

/** Name and phone, then Save: under ten seconds in the field. */
export function QuickAddForm({ onSave, onMoreDetails }: QuickAddFormProps) {
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  useDirtyForm((name !== '' || phone !== '') && !saving);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = quickAddSchema.safeParse({ name, phone });
    if (!parsed.success) {
      setErrors(toFieldErrors(parsed.error));
      return;
    }
    const { first_name, last_name } = splitFullName(parsed.data.name);
    if (first_name.length > CONTACT_LIMITS.name || last_name.length > CONTACT_LIMITS.name) {
      setErrors({ name: `First and last name can be at most ${CONTACT_LIMITS.name} characters each` });
      return;
    }
    setErrors({});
    setSaving(true);
    const failure = await onSave(parsed.data.name, parsed.data.phone);
    setSaving(false);
    if (failure !== null) setErrors({ form: failure });
    else {
      setName('');
      setPhone('');
    }
  };

  return (
    <form className="form quick-add" onSubmit={submit} noValidate aria-label="Quick add">
      {errors['form'] ? (
        <p className="form__error" role="alert">
          {errors['form']}
        </p>
      ) : null}
      <TextField label="Name" name="name" value={name} onChange={setName} error={errors['name']} autoComplete="off" required autoFocus />
      <TextField label="Phone" name="phone" type="tel" inputMode="tel" value={phone} onChange={setPhone} error={errors['phone']} autoComplete="off" />
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={() => onMoreDetails(name, phone)}>
          More details
        </button>
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save contact'}
        </button>
      </div>
    </form>
  );
}
