/*
 * Phone normalisation for links and de-duplication. People type numbers the local way ("07700 900123",
 * "(555) 010-0199"); WhatsApp needs international digits with no plus ("447700900123"). The member's
 * default country calling code fills the gap: a leading trunk 0 is replaced by it, and a short national
 * number gets it prefixed. "+" and "00" mean the number is already international.
 */

export const MIN_PHONE_DIGITS = 5;

/** International digits (no plus), or null when there are too few digits to dial. */
export function toInternationalDigits(raw: string, defaultCountryCode: string): string | null {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return null;
  const countryCode = defaultCountryCode.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return digits;
  if (digits.startsWith('00')) return digits.slice(2);
  if (countryCode === '') return digits;
  if (digits.startsWith(countryCode) && digits.length > 10) return digits;
  if (digits.startsWith('0')) return countryCode + digits.slice(1);
  return countryCode + digits;
}

/** The number to put in a `tel:`/`sms:` link: international with a plus when we can tell, else as dialled. */
export function toDialable(raw: string, defaultCountryCode: string): string | null {
  const international = toInternationalDigits(raw, defaultCountryCode);
  if (international === null) return null;
  return defaultCountryCode.replace(/\D/g, '') === '' && !raw.trim().startsWith('+') && !raw.trim().startsWith('00')
    ? international
    : `+${international}`;
}
