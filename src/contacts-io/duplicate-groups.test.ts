import { describe, expect, it } from 'vitest';
import { findDuplicateGroups, groupKey, type GroupableContact } from './duplicate-groups';
import { createPhoneKey } from './phone-key';

type Options = { phones?: string[]; emails?: string[]; created_at?: string; deleted_at?: string | null };

function person(id: string, name: string, { phones = [], emails = [], created_at = '2024-01-01T00:00:00.000Z', deleted_at = null }: Options = {}): GroupableContact {
  const [first_name = '', ...rest] = name.split(' ');
  return {
    id,
    first_name,
    last_name: rest.join(' '),
    created_at,
    deleted_at,
    phones: phones.map((value) => ({ label: 'mobile', value })),
    emails: emails.map((value) => ({ label: 'home', value })),
  };
}

const ids = (groups: readonly { members: readonly { id: string }[] }[]) => groups.map((group) => group.members.map((member) => member.id));

describe('findDuplicateGroups', () => {
  it('groups contacts that share a phone number written differently', () => {
    const contacts = [person('a', 'Jane Doe', { phones: ['07700 900123'] }), person('b', 'J D', { phones: ['+44 7700 900123'] }), person('c', 'Other One')];
    const groups = findDuplicateGroups(contacts, createPhoneKey('44'));
    expect(ids(groups)).toEqual([['a', 'b']]);
    expect(groups[0]!.reasons).toEqual(['phone']);
  });

  it('groups contacts that share an email in another case', () => {
    const contacts = [person('a', 'Jane', { emails: ['JANE@example.com '] }), person('b', 'Janey', { emails: ['jane@example.com'] })];
    expect(findDuplicateGroups(contacts, createPhoneKey('44'))[0]).toMatchObject({ reasons: ['email'] });
  });

  it('groups contacts whose only shared key is a full name, accents and case aside', () => {
    const contacts = [person('a', 'José Álvarez'), person('b', 'jose  alvarez', { phones: ['07700 900999'] })];
    const groups = findDuplicateGroups(contacts, createPhoneKey('44'));
    expect(ids(groups)).toEqual([['a', 'b']]);
    expect(groups[0]!.reasons).toEqual(['name']);
  });

  it('does not group 200 contacts called Mom by the name alone', () => {
    const moms = Array.from({ length: 200 }, (_, index) => person(`mom-${index}`, 'Mom', { phones: [`07700 9${String(index).padStart(5, '0')}`] }));
    expect(findDuplicateGroups(moms, createPhoneKey('44'))).toEqual([]);
  });

  it('still groups one-word names that share a phone, naming the name among the reasons', () => {
    const contacts = [person('a', 'Mom', { phones: ['07700 900123'] }), person('b', 'Mom', { phones: ['07700900123'] }), person('c', 'Mom')];
    const groups = findDuplicateGroups(contacts, createPhoneKey('44'));
    expect(ids(groups)).toEqual([['a', 'b']]);
    expect(groups[0]!.reasons).toEqual(['phone', 'name']);
  });

  it('joins links into connected groups: a–b by phone and b–c by email make one group', () => {
    const contacts = [
      person('c', 'Third', { emails: ['x@example.com'] }),
      person('a', 'First', { phones: ['07700 900123'] }),
      person('b', 'Second', { phones: ['07700 900123'], emails: ['X@example.com'] }),
    ];
    const groups = findDuplicateGroups(contacts, createPhoneKey('44'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.reasons).toEqual(['phone', 'email']);
    expect(groups[0]!.key).toBe(groupKey(['a', 'b', 'c']));
  });

  it('suggests the oldest member as survivor and lists members oldest first, ties by id', () => {
    const contacts = [
      person('b', 'Jane Doe', { created_at: '2023-05-01T00:00:00.000Z' }),
      person('z', 'Jane Doe', { created_at: '2024-05-01T00:00:00.000Z' }),
      person('a', 'Jane Doe', { created_at: '2023-05-01T00:00:00.000Z' }),
    ];
    const [group] = findDuplicateGroups(contacts, createPhoneKey('44'));
    expect(group!.survivor_id).toBe('a');
    expect(group!.members.map((member) => member.id)).toEqual(['a', 'b', 'z']);
  });

  it('leaves deleted contacts out, and a group of one left is no group', () => {
    const contacts = [person('a', 'Jane Doe'), person('b', 'Jane Doe', { deleted_at: '2024-02-02T00:00:00.000Z' })];
    expect(findDuplicateGroups(contacts, createPhoneKey('44'))).toEqual([]);
  });

  it('does not link contacts through empty phones or emails', () => {
    const contacts = [person('a', 'Ann', { phones: ['', ' '], emails: [''] }), person('b', 'Bob', { phones: [''], emails: ['  '] })];
    expect(findDuplicateGroups(contacts, createPhoneKey('44'))).toEqual([]);
  });

  it('lists the group with the most recently added member first', () => {
    const contacts = [
      person('old-1', 'Ann Lee', { created_at: '2020-01-01T00:00:00.000Z' }),
      person('old-2', 'Ann Lee', { created_at: '2021-01-01T00:00:00.000Z' }),
      person('new-1', 'Bo Kim', { created_at: '2019-01-01T00:00:00.000Z' }),
      person('new-2', 'Bo Kim', { created_at: '2024-01-01T00:00:00.000Z' }),
    ];
    expect(ids(findDuplicateGroups(contacts, createPhoneKey('44')))).toEqual([
      ['new-1', 'new-2'],
      ['old-1', 'old-2'],
    ]);
  });

  it('hides a dismissed group, and keeps it hidden when one of its members is deleted', () => {
    const contacts = [person('a', 'Jane Doe'), person('b', 'Jane Doe'), person('c', 'Jane Doe')];
    const dismissed = new Set([groupKey(['c', 'b', 'a'])]);
    expect(findDuplicateGroups(contacts, createPhoneKey('44'), dismissed)).toEqual([]);
    const withoutC = [contacts[0]!, contacts[1]!, { ...contacts[2]!, deleted_at: '2024-03-03T00:00:00.000Z' }];
    expect(findDuplicateGroups(withoutC, createPhoneKey('44'), dismissed)).toEqual([]);
  });

  it('shows a dismissed group again when a new contact joins it', () => {
    const contacts = [person('a', 'Jane Doe'), person('b', 'Jane Doe')];
    const dismissed = new Set([groupKey(['a', 'b'])]);
    const groups = findDuplicateGroups([...contacts, person('c', 'Jane Doe')], createPhoneKey('44'), dismissed);
    expect(ids(groups)).toEqual([['a', 'b', 'c']]);
  });

  it('hides a group only when each pair of its members was dismissed together, in any dismissed group', () => {
    const contacts = [person('a', 'Jane Doe'), person('b', 'Jane Doe')];
    expect(findDuplicateGroups(contacts, createPhoneKey('44'), new Set([groupKey(['a', 'x']), groupKey(['b', 'y'])]))).toHaveLength(1);
    expect(findDuplicateGroups(contacts, createPhoneKey('44'), new Set([groupKey(['a', 'x']), groupKey(['b', 'a', 'y'])]))).toEqual([]);
  });

  it('makes the same group key from ids in any order', () => {
    expect(groupKey(['b', 'c', 'a'])).toBe(groupKey(['a', 'b', 'c']));
    expect(groupKey(['a', 'b'])).not.toBe(groupKey(['a', 'c']));
  });

  it('handles a contact with ten phones linking to others through any of them', () => {
    const tenPhones = Array.from({ length: 10 }, (_, index) => `07700 90010${index}`);
    const contacts = [person('hub', 'Hub', { phones: tenPhones }), person('x', 'X', { phones: ['+447700900100'] }), person('y', 'Y', { phones: ['(07700) 900-109'] })];
    expect(ids(findDuplicateGroups(contacts, createPhoneKey('44')))).toEqual([['hub', 'x', 'y']]);
  });
});
