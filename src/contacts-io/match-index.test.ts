import { describe, expect, it } from 'vitest';
import { classifyImport, type Matchable, type MatchableContact } from './match-index';
import { createPhoneKey } from './phone-key';

const point = (value: string) => ({ label: 'mobile', value });

function row(phones: string[] = [], emails: string[] = []): Matchable {
  return { phones: phones.map(point), emails: emails.map(point) };
}

function contact(id: string, phones: string[] = [], emails: string[] = [], extra: Partial<MatchableContact> = {}): MatchableContact {
  return { id, created_at: '2024-01-01T00:00:00.000Z', deleted_at: null, phones: phones.map(point), emails: emails.map(point), ...extra };
}

describe('classifyImport', () => {
  it('matches a row to an existing contact by a phone number written another way', () => {
    const result = classifyImport([row(['+44 7700 900123'])], [contact('a', ['07700 900123'])], createPhoneKey('44'));
    expect(result.rows).toEqual([{ kind: 'match', contact_id: 'a', by: ['phone'], other_contact_ids: [] }]);
  });

  it('matches by any of several phones, not only the first', () => {
    const tenPhones = Array.from({ length: 10 }, (_, index) => `07700 90010${index}`);
    const result = classifyImport([row(['020 7946 0000', '07700-900-109'])], [contact('a', tenPhones)], createPhoneKey('44'));
    expect(result.rows[0]).toMatchObject({ kind: 'match', contact_id: 'a' });
  });

  it('matches by email ignoring case and surrounding whitespace', () => {
    const result = classifyImport([row([], ['  Jane.Doe@Example.com '])], [contact('a', [], ['jane.doe@example.COM'])], createPhoneKey('1'));
    expect(result.rows).toEqual([{ kind: 'match', contact_id: 'a', by: ['email'], other_contact_ids: [] }]);
  });

  it('reads the single phone and email fields of contacts that have them', () => {
    const existing = { ...contact('a'), phone: '(202) 555-0143', email: 'JANE@example.com' };
    const result = classifyImport([row(['+1 202 555 0143']), row([], ['jane@example.com'])], [existing], createPhoneKey('1'));
    expect(result.rows.map((entry) => entry.kind)).toEqual(['match', 'match']);
  });

  it('calls a row with nothing in common new, and a row with no phone or email new too', () => {
    const result = classifyImport([row(['07700 900999']), row(), row([''], [' '])], [contact('a', ['07700 900123'])], createPhoneKey('44'));
    expect(result.rows).toEqual([{ kind: 'new' }, { kind: 'new' }, { kind: 'new' }]);
  });

  it('ignores deleted and merged-away contacts', () => {
    const existing = [
      contact('gone', ['07700 900123'], [], { deleted_at: '2024-02-01T00:00:00.000Z' }),
      contact('merged', [], ['jane@example.com'], { merged_into: 'someone' }),
    ];
    const result = classifyImport([row(['07700 900123']), row([], ['jane@example.com'])], existing, createPhoneKey('44'));
    expect(result.rows).toEqual([{ kind: 'new' }, { kind: 'new' }]);
  });

  it('calls a row that shares a phone with an earlier row a repeat of it', () => {
    const result = classifyImport([row(['07700 900123']), row(['07700 900456']), row(['+447700900123'])], [], createPhoneKey('44'));
    expect(result.rows).toEqual([{ kind: 'new' }, { kind: 'new' }, { kind: 'repeat', first_row: 0 }]);
    expect(result.counts).toEqual({ found: 3, new: 2, matches: 0, repeats: 1 });
  });

  it('joins rows transitively: a later row linking two earlier ones makes one person', () => {
    const result = classifyImport(
      [row(['07700 900123']), row([], ['jane@example.com']), row(['07700 900123'], ['jane@example.com'])],
      [],
      createPhoneKey('44'),
    );
    expect(result.rows).toEqual([{ kind: 'new' }, { kind: 'repeat', first_row: 0 }, { kind: 'repeat', first_row: 0 }]);
  });

  it('gives the first row of a cluster the match that only a later row of it has', () => {
    // Row 0 and row 1 share a phone; only row 1 has the email of the existing contact.
    const result = classifyImport(
      [row(['07700 900123']), row(['07700 900123'], ['jane@example.com'])],
      [contact('a', [], ['Jane@Example.com'])],
      createPhoneKey('44'),
    );
    expect(result.rows).toEqual([
      { kind: 'match', contact_id: 'a', by: ['email'], other_contact_ids: [] },
      { kind: 'repeat', first_row: 0 },
    ]);
    expect(result.counts).toEqual({ found: 2, new: 0, matches: 1, repeats: 1 });
  });

  it('picks the oldest of two matched contacts and reports the other', () => {
    const existing = [
      contact('b', ['07700 900123'], [], { created_at: '2024-03-01T00:00:00.000Z' }),
      contact('a', [], ['jane@example.com'], { created_at: '2023-03-01T00:00:00.000Z' }),
      contact('c', ['07700 900123'], [], { created_at: '2023-03-01T00:00:00.000Z' }),
    ];
    const result = classifyImport([row(['07700 900123'], ['jane@example.com'])], existing, createPhoneKey('44'));
    expect(result.rows).toEqual([{ kind: 'match', contact_id: 'a', by: ['email'], other_contact_ids: ['c', 'b'] }]);
  });

  it('compares created_at as instants, not as text', () => {
    const existing = [
      // 08:00 UTC, though its text sorts after the other's 09:00.
      contact('earlier', ['07700 900123'], [], { created_at: '2024-01-01T10:00:00+02:00' }),
      contact('later', ['07700 900123'], [], { created_at: '2024-01-01T09:00:00Z' }),
    ];
    const result = classifyImport([row(['07700 900123'])], existing, createPhoneKey('44'));
    expect(result.rows[0]).toMatchObject({ contact_id: 'earlier', other_contact_ids: ['later'] });
  });

  it('never matches on a name alone', () => {
    const incoming = { ...row(), first_name: 'Jane', last_name: 'Doe' };
    const existing = { ...contact('a'), first_name: 'Jane', last_name: 'Doe' };
    expect(classifyImport([incoming], [existing], createPhoneKey('44')).rows).toEqual([{ kind: 'new' }]);
  });

  it('counts every row exactly once', () => {
    const incoming = [row(['07700 900001']), row(['07700 900002']), row(['07700 900001']), row(), row([], ['x@example.com'])];
    const { counts } = classifyImport(incoming, [contact('a', ['07700 900002'])], createPhoneKey('44'));
    expect(counts).toEqual({ found: 5, new: 3, matches: 1, repeats: 1 });
  });
});
