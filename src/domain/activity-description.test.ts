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
