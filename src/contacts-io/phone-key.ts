import { parsePhoneNumberFromString, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import { toInternationalDigits } from '../domain/phone';

/*
 * Keys that say "this is the same phone number / email address / name" for de-duplication.
 *
 * Phone keys are E.164 ("+447700900123"): however a number was written (locally, with + or 00,
 * with spaces, dashes, dots, brackets, "(0)", an extension), the same line gets the same key.
 * libphonenumber-js does the parsing with its "min" metadata (enough to parse; validity is
 * checked against lengths and leading digits only) and the core entry point, so only one copy of
 * the metadata ends up in the lazy chunk.
 *
 * Near-valid numbers: libphonenumber calls many real-world numbers invalid (the UK's reserved
 * "07700 900xxx" drama range, numbers from plans newer than the metadata, typos in one digit).
 * Such a number still identifies the same person, so for 7 digits or more the key is
 * "+" + the international digits whether or not the number is valid: libphonenumber's reading
 * (country calling code + national number) when it could parse it, else the domain's simple rule
 * (00 and + are international, a trunk 0 is replaced by the default calling code). Because the
 * key does not depend on validity there, validity, the slowest step, is only checked for shorter
 * numbers: those count only when libphonenumber says they are valid (some small countries have
 * 5- and 6-digit numbers); otherwise they are not phone numbers and the key is null.
 *
 * Speed: parsing costs 10–20 µs a number, and an import of 10,000 rows repeats the same numbers
 * written the same few ways, so each key function remembers its answers, both for the raw text
 * and for the text with its punctuation taken out. Two thirds of a parse went on deciding WHICH
 * country of a shared calling code a number belongs to (+44: GB, Guernsey, Jersey or the Isle of
 * Man), trying each country's patterns; the key does not need the country, only the calling code
 * and the national number, which libphonenumber extracts first with the code's main country's
 * rules. So numbers of 7+ digits are parsed against keyMetadata(), where every calling code lists
 * its main country only; the key is the same (phone-key.test.ts compares it with a full parse).
 */

export type PhoneKey = (raw: string) => string | null;

/** Numbers with at least this many digits get a key even when libphonenumber calls them invalid. */
export const MIN_NEAR_VALID_DIGITS = 7;

/** A trailing extension: "ext. 12", "x12", "#12", ";ext=12", "extension 12". */
const EXTENSION = /\s*(?:;\s*ext=|\b(?:ext(?:ension)?\.?|x)\s*|#\s*)\d{1,7}#?\s*$/i;
/** What a number written without any words can contain (anything else goes to libphonenumber as it is). */
const PLAIN_NUMBER = /^[+\d\s\u00a0\-.()]*$/;

/**
 * The metadata with each calling code narrowed to its main country (see "Speed" above). Built per
 * key function, not at import, so modules that only use emailKey or nameKey leave the metadata out.
 */
function keyMetadata(): MetadataJson {
  return {
    ...metadata,
    country_calling_codes: Object.fromEntries(Object.entries(metadata.country_calling_codes).map(([code, countries]) => [code, countries.slice(0, 1)])),
  };
}

/**
 * The member's default country is stored as a calling code; libphonenumber parses local numbers
 * against a region. Shared codes resolve to the region the metadata lists first, its "main
 * country": '1' → US (Canada and the Caribbean read the same way), '44' → GB, '7' → RU.
 */
function regionForCallingCode(callingCode: string): CountryCode | undefined {
  return metadata.country_calling_codes[callingCode]?.[0];
}

/**
 * Punctuation out, "00" turned into "+", and a "(0)" after the country code dropped (as in
 * "+44 (0)20 7946 0000"), so "07700 900123" and "07700-900-123" share a memo entry. Null when the
 * text holds words (then libphonenumber reads the raw text and picks the number out of it).
 */
function plainForm(raw: string): string | null {
  const withoutExtension = raw.trim().replace(EXTENSION, '');
  if (!PLAIN_NUMBER.test(withoutExtension)) return null;
  const international = withoutExtension.startsWith('+') || /^00/.test(withoutExtension.replace(/\D/g, ''));
  const body = international ? withoutExtension.replace(/\(\s*0\s*\)/g, '') : withoutExtension;
  const digits = body.replace(/\D/g, '');
  if (!international) return digits;
  return `+${withoutExtension.startsWith('+') ? digits : digits.slice(2)}`;
}

/**
 * A function from a phone number as written to its E.164 key, or null when the text is not a
 * phone number. `defaultCallingCode` ('44', '+1', …) reads numbers written without a country.
 * Each returned function keeps its own memo: make one per import or screen, not one per call.
 */
export function createPhoneKey(defaultCallingCode: string): PhoneKey {
  const callingCode = defaultCallingCode.replace(/\D/g, '');
  const region = regionForCallingCode(callingCode);
  const options = region === undefined ? {} : { defaultCountry: region };
  const narrowedMetadata = keyMetadata();
  const byRaw = new Map<string, string | null>();
  const byPlain = new Map<string, string | null>();

  const compute = (text: string, digitCount: number): string | null => {
    const nearValidCounts = digitCount >= MIN_NEAR_VALID_DIGITS;
    // Validity (checked for short numbers only) does depend on the exact country: full metadata there.
    const parsed = parsePhoneNumberFromString(text, options, nearValidCounts ? narrowedMetadata : metadata);
    if (parsed !== undefined) {
      if (nearValidCounts) return parsed.number;
      return parsed.isValid() ? parsed.number : null;
    }
    if (digitCount < MIN_NEAR_VALID_DIGITS) return null;
    const digits = toInternationalDigits(text, callingCode);
    // Without a default country a local number has no country digits to add: not a key we can trust.
    if (digits === null || (callingCode === '' && !text.startsWith('+'))) return null;
    return `+${digits}`;
  };

  return (raw) => {
    const known = byRaw.get(raw);
    if (known !== undefined) return known;
    const plain = plainForm(raw);
    let key: string | null;
    if (plain === null) {
      const text = raw.replace(EXTENSION, '');
      key = compute(text, text.replace(/\D/g, '').length);
    } else {
      const remembered = byPlain.get(plain);
      if (remembered !== undefined) {
        key = remembered;
      } else {
        key = plain.replace('+', '') === '' ? null : compute(plain, plain.length - (plain.startsWith('+') ? 1 : 0));
        byPlain.set(plain, key);
      }
    }
    byRaw.set(raw, key);
    return key;
  };
}

/**
 * An email address as a key: trimmed and lower-cased, null when it is not an address. Gmail's
 * dots and "+tags" are deliberately NOT collapsed: whether they are ignored depends on the
 * provider (and on custom domains hosted by Google we cannot tell), so "j.doe@" and "jdoe@" may be
 * two people; merging two people is far worse than showing one duplicate too few.
 */
export function emailKey(raw: string): string | null {
  const key = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(key) ? key : null;
}

/** Letters NFKD does not take apart. */
const FOLDED_LETTERS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * A full name as a key: NFKD with accents and other marks removed ("José" = "Jose"), a few
 * letters that do not decompose folded (ø, ł, ß, …), lower-cased, whitespace collapsed.
 * Null when both parts are empty.
 */
export function nameKey(first: string, last: string): string | null {
  const key = `${first} ${last}`
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => FOLDED_LETTERS[letter] ?? letter)
    .replace(/\s+/g, ' ')
    .trim();
  return key === '' ? null : key;
}
