import { describe, expect, it } from 'vitest';
import { describeActivity } from './activity-description';

describe('activity descriptions', () => {
  it('formats the seed examples', () => {
    expect(describeActivity({ activity_type: 'contact_added', metadata: { contact_name: 'Jane Doe' } })).toBe('Added Jane Doe');
    expect(describeActivity({ activity_type: 'email_sent', metadata: { contact_name: 'Jane Doe', template_name: 'Welcome' } })).toBe(
      'Emailed Jane Doe: Welcome',
    );
    expect(describeActivity({ activity_type: 'call', metadata: { contact_name: 'Jane Doe', outcome: 'no_answer' } })).toBe(
      'Call with Jane Doe: no answer',
    );
  });

  it('describes an import and a merge as one entry each', () => {
    expect(describeActivity({ activity_type: 'contacts_imported', metadata: { count: 1243, source: 'Google' } })).toBe('Imported 1,243 contacts from Google');
    expect(describeActivity({ activity_type: 'contacts_imported', metadata: { count: 1 } })).toBe('Imported 1 contact');
    expect(describeActivity({ activity_type: 'contacts_merged', metadata: { contact_name: 'Jane Doe', count: 2 } })).toBe('Merged 3 contacts into Jane Doe');
  });

  it('names stages with their labels', () => {
    expect(describeActivity({ activity_type: 'stage_changed', metadata: { contact_name: 'Jo', stage: 'team_member' } })).toBe(
      'Moved Jo to Team member',
    );
  });

  it('formats follow-ups with the day', () => {
    expect(describeActivity({ activity_type: 'follow_up_set', metadata: { contact_name: 'Jo', follow_up_on: '2026-12-01' } })).toBe(
      'Follow-up with Jo set for Tue 1 Dec',
    );
  });

  it('falls back gracefully when the contact name is missing', () => {
    expect(describeActivity({ activity_type: 'whatsapp', metadata: {} })).toBe('WhatsApp with a contact');
    expect(describeActivity({ activity_type: 'email_sent', metadata: { contact_name: 'Al' } })).toBe('Emailed Al');
  });
});
