import type { z } from 'zod';
import { err, ok, type Result } from '../shared/result';

export type FieldErrors = Readonly<Record<string, string>>;

/**
 * The first message for each field, keyed by the field's top-level name, for inline form errors. An
 * issue inside a list also goes under its full dotted path ('phones.1.value'), so a row of a list can
 * show its own message.
 */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
    if (issue.path.length > 1) errors[issue.path.map(String).join('.')] ??= issue.message;
  }
  return errors;
}

/** Runs a form's schema: the parsed value, or the first message per field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): Result<T, FieldErrors> {
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(toFieldErrors(parsed.error));
}
