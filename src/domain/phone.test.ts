import { describe, expect, it } from 'vitest';
import { toDialable, toInternationalDigits } from './phone';

describe('phone normalisation', () => {
  it('keeps numbers typed with a plus as they are', () => {
    expect(toInternationalDigits('+44 7700 900123', '1')).toBe('447700900123');
  });

  it('treats a 00 prefix as international', () => {
    expect(toInternationalDigits('0044 7700 900123', '1')).toBe('447700900123');
  });

  it('replaces a trunk zero with the default country code', () => {
    expect(toInternationalDigits('07700 900123', '44')).toBe('447700900123');
  });

  it('prefixes national numbers with the default country code', () => {
    expect(toInternationalDigits('(555) 010-0199', '1')).toBe('15550100199');
  });

  it('does not prefix a number that already carries the country code', () => {
    expect(toInternationalDigits('1 555 010 0199', '1')).toBe('15550100199');
  });

  it('refuses numbers with too few digits', () => {
    expect(toInternationalDigits('12', '1')).toBeNull();
    expect(toDialable('', '1')).toBeNull();
  });

  it('builds dialable numbers with a plus', () => {
    expect(toDialable('(555) 010-0199', '1')).toBe('+15550100199');
    expect(toDialable('5550100199', '')).toBe('5550100199');
  });

  it('gives the same digits for one number typed two ways', () => {
    expect(toInternationalDigits('+1 (555) 010-0199', '1')).toBe(toInternationalDigits('555.010.0199', '1'));
  });
});
