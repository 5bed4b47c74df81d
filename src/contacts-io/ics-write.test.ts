import { describe, expect, it } from 'vitest';
import { followUpsToIcs } from './ics-write';
import type { CalendarContact } from './ics-write';

const contact = (fields: Partial<CalendarContact>): CalendarContact => ({
  id: '0b7e2f4c-1111-4aaa-8bbb-123456789abc',
  first_name: 'Jane',
  last_name: 'Doe',
  phones: [{ label: 'mobile', value: '+44 7700 900123' }],
  emails: [{ label: 'work', value: 'jane@example.com' }],
  stage: 'new',
  contact_type: 'customer',
  lead_source: '',
  tags: [],
  notes: '',
  next_follow_up_on: '2024-02-29',
  deleted_at: null,
  ...fields,
});

const now = new Date('2024-02-01T09:30:15.123Z');

describe('followUpsToIcs', () => {
  it('writes one all-day event per follow-up with a stable UID, stamp, summary and description', () => {
    const text = followUpsToIcs([contact({})], { now, appUrl: 'https://app.example/' });
    const unfolded = text.replace(/\r\n /g, '');
    expect(unfolded.split('\r\n')).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Fieldbook//Follow-ups//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Fieldbook follow-ups',
      'BEGIN:VEVENT',
      'UID:follow-up-0b7e2f4c-1111-4aaa-8bbb-123456789abc@fieldbook',
      'DTSTAMP:20240201T093015Z',
      'DTSTART;VALUE=DATE:20240229',
      'DTEND;VALUE=DATE:20240301',
      'SUMMARY:Follow up: Jane Doe',
      'DESCRIPTION:Phone (mobile): +44 7700 900123\\nEmail (work): jane@example.com\\nhttps://app.example/contacts/0b7e2f4c-1111-4aaa-8bbb-123456789abc',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
  });

  it('skips contacts without a follow-up and deleted contacts', () => {
    const text = followUpsToIcs([contact({ id: 'a', next_follow_up_on: null }), contact({ id: 'b', deleted_at: '2024-01-01T00:00:00Z' }), contact({ id: 'c' })], { now: now.getTime() });
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(text).toContain('UID:follow-up-c@fieldbook');
  });

  it('escapes commas, semicolons and backslashes in names and folds long lines at 75 octets', () => {
    const text = followUpsToIcs([contact({ first_name: 'Ann; "Jo", \\ 日本', last_name: 'Ñ'.repeat(60) })], { now });
    expect(text.replace(/\r\n /g, '')).toContain(`SUMMARY:Follow up: Ann\\; "Jo"\\, \\\\ 日本 ${'Ñ'.repeat(60)}\r\n`);
    for (const line of text.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });
});
