/** The form-level error (a failed save), announced as an alert because it needs action. */
export function FormError({ message }: { readonly message: string | undefined }) {
  return message ? (
    <p className="form__error" role="alert">
      {message}
    </p>
  ) : null;
}
