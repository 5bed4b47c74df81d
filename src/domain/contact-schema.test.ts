import { describe, expect, it } from 'vitest';
import { contactInputSchema } from './contact-schema';
import { parseTags, splitFullName } from './contact';
import { toFieldErrors } from './form-errors';

describe('contact validation', () => {
  it('fills defaults so quick add needs only a name', () => {
    expect(contactInputSchema.parse({ first_name: '  Jane ' })).toEqual({
      first_name: 'Jane',
      last_name: '',
      phone: '',
      email: '',
      phones: [],
      emails: [],
      stage: 'new',
      contact_type: 'customer',
      lead_source: '',
      tags: [],
      notes: '',
      next_follow_up_on: null,
    });
  });

  it('reports each bad field with a message a person can act on', () => {
    const result = contactInputSchema.safeParse({
      first_name: '',
      email: 'jane@',
      phone: '12',
      stage: 'hot',
      notes: 'x'.repeat(5001),
      next_follow_up_on: '2026-13-40',
    });
    expect(result.success).toBe(false);
    const errors = result.error ? toFieldErrors(result.error) : {};
    expect(errors).toMatchObject({
      first_name: 'First name is required',
      email: 'Enter an email like name@example.com',
      phone: 'Phone needs at least 5 digits',
      stage: 'Choose a stage from the list',
      notes: 'Notes can be at most 5000 characters',
    });
    expect(Object.keys(errors)).toContain('next_follow_up_on');
  });

  it('splits a quick-add name and parses tags', () => {
    expect(splitFullName('  Mary  Ann   Lee ')).toEqual({ first_name: 'Mary', last_name: 'Ann Lee' });
    expect(parseTags('vip, gym,, VIP ,  team ')).toEqual(['vip', 'gym', 'team']);
  });
});
