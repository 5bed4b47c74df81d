import { assertNever } from '../shared/assert';
import { STAGE_LABELS, type ContactStage } from './contact';
import { OUTCOME_LABELS, type MemberActivity } from './member-activity';
import { formatDay } from './dates';

/** The feed line for an activity: "Added Jane Doe", "Emailed Jane Doe: Welcome", "Call with Jane Doe: no answer". */
export function describeActivity(activity: Pick<MemberActivity, 'activity_type' | 'metadata'>): string {
  const { metadata } = activity;
  const name = metadata.contact_name?.trim() || 'a contact';
  const outcome = metadata.outcome ? `: ${OUTCOME_LABELS[metadata.outcome]}` : '';
  switch (activity.activity_type) {
    case 'contact_added':
      return `Added ${name}`;
    case 'contact_updated':
      return `Updated ${name}`;
    case 'contact_deleted':
      return `Deleted ${name}`;
    case 'stage_changed': {
      const stage = metadata.stage && metadata.stage in STAGE_LABELS ? STAGE_LABELS[metadata.stage as ContactStage] : metadata.stage;
      return stage ? `Moved ${name} to ${stage}` : `Changed the stage of ${name}`;
    }
    case 'call':
      return `Call with ${name}${outcome}`;
    case 'text':
      return `Texted ${name}${outcome}`;
    case 'whatsapp':
      return `WhatsApp with ${name}${outcome}`;
    case 'email_sent': {
      const label = metadata.template_name || metadata.subject;
      return label ? `Emailed ${name}: ${label}` : `Emailed ${name}`;
    }
    case 'follow_up_set':
      return metadata.follow_up_on ? `Follow-up with ${name} set for ${formatDay(metadata.follow_up_on)}` : `Follow-up with ${name} cleared`;
    case 'note':
      return metadata.note ? `Note on ${name}: ${metadata.note}` : `Note on ${name}`;
    case 'contacts_imported': {
      const count = metadata.count ?? 0;
      const what = `${count.toLocaleString('en-US')} contact${count === 1 ? '' : 's'}`;
      return metadata.source ? `Imported ${what} from ${metadata.source}` : `Imported ${what}`;
    }
    case 'contacts_merged':
      return `Merged ${(metadata.count ?? 0) + 1} contacts into ${name}`;
    case 'link_opened':
      return metadata.template_name ? `${name} opened a link in ‘${metadata.template_name}’` : `${name} opened a link`;
    case 'test':
      return metadata.note ? `Test activity: ${metadata.note}` : 'Test activity';
    default:
      return assertNever(activity.activity_type);
  }
}
