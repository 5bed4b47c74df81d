import { describe, expect, it } from 'vitest';
import { listUnknownMergeFields, mergeValuesFor, renderMergeFields } from './merge-fields';

const values = mergeValuesFor({
  contact: { first_name: 'Jane', last_name: 'Doe', phone: '+1 555 0100', email: 'jane@example.com' },
  profile: { full_name: 'Sam Lee', company: 'Glow Co', phone: '' },
});

describe('merge fields', () => {
  it('fills known fields, tolerating spaces inside the braces', () => {
    expect(renderMergeFields('Hi {{first_name}}, {{ my_name }} from {{my_company}} here', values)).toBe(
      'Hi Jane, Sam Lee from Glow Co here',
    );
  });

  it('uses the fallback when a value is empty', () => {
    expect(renderMergeFields('Call me on {{my_phone|my cell}}', values)).toBe('Call me on my cell');
    expect(renderMergeFields('Hi {{first_name|there}}', mergeValuesFor({ contact: null, profile: null }))).toBe('Hi there');
  });

  it('leaves unknown fields visible and reports them', () => {
    expect(renderMergeFields('Hi {{frist_name}}', values)).toBe('Hi {{frist_name}}');
    expect(listUnknownMergeFields('Hi {{frist_name}} {{first_name}} {{ nope }}')).toEqual(['frist_name', 'nope']);
  });

  it('keeps an escaped brace pair literal', () => {
    expect(renderMergeFields('Use \\{{first_name}} to insert a name', values)).toBe('Use {{first_name}} to insert a name');
  });

  it('inserts values as text, never interpreting markup or nested tokens', () => {
    const hostile = mergeValuesFor({
      contact: { first_name: '<img src=x onerror=alert(1)>', last_name: '{{my_name}}', phone: '', email: '' },
      profile: null,
    });
    expect(renderMergeFields('{{first_name}} {{last_name}}', hostile)).toBe('<img src=x onerror=alert(1)> {{my_name}}');
  });
});
