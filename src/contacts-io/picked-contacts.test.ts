import { describe, expect, it } from 'vitest';
import { fromPickedContacts } from './picked-contacts';

describe('fromPickedContacts', () => {
  it('splits the first name string, keeps every number and address, and numbers the results from 1', () => {
    expect(fromPickedContacts([{ name: ['Mary Ann Smith', 'Mimi'], tel: ['+1 555 0100', ' '], email: ['mary@example.com'] }, { tel: ['07700 900123'] }])).toEqual([
      {
        line: 1,
        first_name: 'Mary',
        last_name: 'Ann Smith',
        organization: '',
        phones: [{ label: 'other', value: '+1 555 0100' }],
        emails: [{ label: 'other', value: 'mary@example.com' }],
        tags: [],
        notes: '',
        extra: [['Also known as', 'Mimi']],
      },
      { line: 2, first_name: '', last_name: '', organization: '', phones: [{ label: 'other', value: '07700 900123' }], emails: [], tags: [], notes: '', extra: [] },
    ]);
  });

  it('returns nothing for nothing picked', () => {
    expect(fromPickedContacts([])).toEqual([]);
  });
});
