import type { z } from 'zod';

export type FieldErrors = Readonly<Record<string, string>>;

/** The first message for each field, keyed by the field's top-level name, for inline form errors. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
  }
  return errors;
}
