import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json';
import metadata from 'libphonenumber-js/min/metadata';
import { describe, expect, it } from 'vitest';
import { createPhoneKey, emailKey, nameKey } from './phone-key';

describe('createPhoneKey', () => {
  it('gives the same E.164 key to one UK number written five ways', () => {
    const uk = createPhoneKey('44');
    const ways = ['07700 900123', '+44 7700 900123', '0044 7700 900123', '(+44) 7700-900-123', '+44 (0) 7700.900.123', '07700900123'];
    expect(ways.map(uk)).toEqual(ways.map(() => '+447700900123'));
  });

  it('reads an international number the same whatever the default country is', () => {
    const written = ['+44 7700 900123', '0044 7700 900123', '+44 (0)7700 900123'];
    for (const code of ['1', '44', '34', '49', '81', '7', '']) {
      const key = createPhoneKey(code);
      expect(written.map(key)).toEqual(written.map(() => '+447700900123'));
    }
    expect(createPhoneKey('1')('011 44 7700 900123')).toBe('+447700900123');
  });

  it('reads local numbers against the region of the calling code, shared codes going to their main country', () => {
    expect(createPhoneKey('1')('(202) 555-0143')).toBe('+12025550143');
    expect(createPhoneKey('1')('1-202-555-0143')).toBe('+12025550143');
    expect(createPhoneKey('+1')('202.555.0143')).toBe('+12025550143');
    expect(createPhoneKey('34')('612 345 678')).toBe('+34612345678');
    expect(createPhoneKey('49')('030 1234567')).toBe('+49301234567');
    expect(createPhoneKey('81')('090-1234-5678')).toBe('+819012345678');
    // Russia's trunk prefix is 8, not 0: only a region-aware parser gets this right.
    expect(createPhoneKey('7')('8 (912) 345-67-89')).toBe('+79123456789');
    expect(createPhoneKey('7')('+7 912 345 67 89')).toBe('+79123456789');
  });

  it('drops an extension from the key', () => {
    const us = createPhoneKey('1');
    for (const written of ['202-555-0143 ext. 12', '202-555-0143 x12', '202-555-0143 #12', '+1 202 555 0143;ext=5', '(202) 555-0143 extension 7']) {
      expect(us(written)).toBe('+12025550143');
    }
  });

  it('keys near-valid numbers of seven digits or more by their international digits', () => {
    // The UK's drama range and the US's 555-01xx range are not valid numbers to libphonenumber.
    expect(createPhoneKey('44')('07700 900123')).toBe('+447700900123');
    expect(createPhoneKey('1')('(555) 010-0199')).toBe('+15550100199');
    expect(createPhoneKey('1')('555 0199')).toBe('+15550199');
    // Unknown country calling code: libphonenumber cannot read it at all, the digits still make a key.
    expect(createPhoneKey('44')('+999 1234 5678')).toBe('+99912345678');
  });

  it('returns null for text that is not a phone number', () => {
    const uk = createPhoneKey('44');
    for (const written of ['', '   ', 'abc', 'n/a', '123', '+44', '12-34', 'jane@example.com', '---']) {
      expect(uk(written)).toBeNull();
    }
  });

  it('needs a default country to key a number written locally', () => {
    expect(createPhoneKey('')('07700 900123')).toBeNull();
    expect(createPhoneKey('')('+44 7700 900123')).toBe('+447700900123');
  });

  it('picks the number out of text with words around it', () => {
    expect(createPhoneKey('44')('mobile: 07700 900123')).toBe('+447700900123');
  });

  it('keys short numbers only when they are valid', () => {
    // Saint Helena has 5-digit numbers; five digits in the UK are not a number.
    expect(createPhoneKey('290')('22158')).toBe('+29022158');
    expect(createPhoneKey('44')('22158')).toBeNull();
  });

  it('gives every country’s example mobile number the key a full parse gives it, written internationally or locally', () => {
    // The key is parsed with each shared calling code narrowed to its main country; this checks that
    // it never changes the result, including for Jersey, Canada, Kazakhstan and the other countries
    // that share a code.
    const mismatches: string[] = [];
    for (const country of getCountries(metadata)) {
      const example = examples[country];
      if (example === undefined) continue;
      const full = parsePhoneNumberFromString(example, country, metadata);
      if (full === undefined) continue;
      const callingCode = getCountryCallingCode(country, metadata);
      const key = createPhoneKey(callingCode);
      if (key(full.formatInternational()) !== full.number) mismatches.push(`${country} ${full.formatInternational()} → ${key(full.formatInternational())}`);
      const isMainCountry = metadata.country_calling_codes[callingCode]?.[0] === country;
      if (isMainCountry && key(full.formatNational()) !== full.number) mismatches.push(`${country} ${full.formatNational()} → ${key(full.formatNational())}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('follows libphonenumber where the digits after the country code change', () => {
    const key = createPhoneKey('44');
    expect(key('+44 07700 900123')).toBe('+447700900123');
    expect(key('+7 8 912 345 67 89')).toBe('+79123456789');
    expect(key('+54 11 15 1234 5678')).toBe('+5491112345678');
    expect(key('+39 06 1234 5678')).toBe('+390612345678');
  });

  it('answers repeated input from its memo with the same result', () => {
    const uk = createPhoneKey('44');
    const first = uk('07700 900123');
    expect(uk('07700 900123')).toBe(first);
    expect(uk('07700-900-123')).toBe(first);
    expect(uk('abc')).toBeNull();
    expect(uk('abc')).toBeNull();
  });
});

describe('emailKey', () => {
  it('trims and lower-cases an address', () => {
    expect(emailKey('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it('keeps Gmail dots and plus tags apart', () => {
    expect(emailKey('j.doe@gmail.com')).not.toBe(emailKey('jdoe@gmail.com'));
    expect(emailKey('jdoe+work@gmail.com')).not.toBe(emailKey('jdoe@gmail.com'));
  });

  it('returns null for what is not an address', () => {
    for (const written of ['', '  ', 'jane', '@example.com', 'jane@', 'jane doe@example.com']) {
      expect(emailKey(written)).toBeNull();
    }
  });
});

describe('nameKey', () => {
  it('ignores accents, case and extra whitespace', () => {
    expect(nameKey('  José ', 'Álvarez  Núñez')).toBe('jose alvarez nunez');
    expect(nameKey('JOSE', 'alvarez nunez')).toBe(nameKey('José', 'Álvarez Núñez'));
  });

  it('folds letters that do not decompose', () => {
    expect(nameKey('Søren', 'Łukasz')).toBe('soren lukasz');
    expect(nameKey('Jürgen', 'Weiß')).toBe('jurgen weiss');
  });

  it('turns compatibility characters into their plain form', () => {
    expect(nameKey('Ｊａｎｅ', 'Doe')).toBe('jane doe');
  });

  it('joins a name that has only one part without stray spaces', () => {
    expect(nameKey('Mom', '')).toBe('mom');
    expect(nameKey('', 'Doe')).toBe('doe');
  });

  it('returns null when both parts are empty', () => {
    expect(nameKey('', '')).toBeNull();
    expect(nameKey('  ', '\t')).toBeNull();
  });
});
