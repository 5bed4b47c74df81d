
export const ACTIVITY_TYPES = [
  'contact_added',
  'contact_updated',
  'contact_deleted',
  'stage_changed',
  'call',
  'text',
  'whatsapp',
  'email_sent',
  'follow_up_set',
  'note',
  'contacts_imported',
  'contacts_merged',
  'link_opened',
  'test',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const OUTCOMES = ['connected', 'replied', 'no_answer', 'left_message', 'booked', 'not_now'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  connected: 'connected',
  replied: 'replied',
  no_answer: 'no answer',
  left_message: 'left message',
  booked: 'booked',
  not_now: 'not now',
};

export type { ActivityMetadata, MemberActivity } from './member-activity-schema';
