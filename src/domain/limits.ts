/*
 * The one source of validation limits (their messages, built from them, are in limit-messages.ts,
 * apart so that the app's first load carries the numbers only). The zod schemas (src/domain/*-schema.ts)
 * build their rules from these; the database's CHECK constraints (supabase/migrations) enforce the
 * same numbers and answer with the same words (sync.constraint_messages). tests/supabase/limits.test.ts
 * sends every boundary value to both sides and fails when a number or a message differs, so a limit
 * is changed here and in a new migration, together.
 */

export const LIMITS = {
  contact: { name: 100, phone: 32, phoneMinDigits: 5, email: 254, lead_source: 100, tag: 40, tags: 20, notes: 5000, points: 10, pointLabel: 40 },
  contactImport: { source: 100, file_name: 255 },
  contactMerge: { merged: 20 },
  template: { name: 80, subject: 200, body: 5000 },
  sentEmail: { to_email: 254, subject: 200, body: 10_000 },
  click: { url: 2048 },
  profile: { full_name: 100, company: 100, timezone: 64 },
  activity: { metadataBytes: 4096, contact_name: 201, template_name: 80, subject: 200, stage: 40, note: 500 },
  member: { email: 254 },
  password: { min: 6, max: 72 },
  /** Timestamps and days outside these years are refused on both sides (a mistyped year 20255, say). */
  years: { min: 1900, max: 9999 },
} as const;

/**
 * Characters a phone number may hold: digits, plain spaces and + - ( ) . / (the client turns any
 * other whitespace, such as the no-break spaces of numbers copied from web pages, into a space).
 */
export const PHONE_CHARS = /^[0-9+()\-. /]*$/;

/** Time zone names as IANA writes them (Europe/London, America/Argentina/Buenos_Aires, UTC). */
export const TIMEZONE_PATTERN = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;


/** Whether an ISO timestamp or day falls within the years both sides accept. */
export function withinYears(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  return /^\d{4}-/.test(iso) && year >= LIMITS.years.min && year <= LIMITS.years.max;
}
