import type { FieldbookDb } from '../db/fieldbook-db';
import type { Overwritten } from '../db/sync-local';
import { contactFullName } from '../domain/contact';

const FIELD_NAMES: Readonly<Record<string, string>> = {
  first_name: 'First name',
  last_name: 'Last name',
  phone: 'Phone number',
  email: 'Email',
  stage: 'Stage',
  contact_type: 'Type',
  lead_source: 'Lead source',
  tags: 'Tags',
  notes: 'Notes',
  next_follow_up_on: 'Next follow-up',
  deleted_at: 'Deletion',
  name: 'Name',
  subject: 'Subject',
  body: 'Body',
};

const TABLE_NAMES: Readonly<Record<string, string>> = { email_templates: 'a template', member_profiles: 'your profile', member_activities: 'an activity' };

/** "Phone number of Jane Doe was changed on another device", or null for changes not worth a word. */
export async function describeOverwritten(db: FieldbookDb, item: Overwritten): Promise<{ message: string } | null> {
  const fields = Object.keys(item.lost).filter((field) => field !== 'last_touched_at');
  if (fields.length === 0) return null;
  const names = fields.map((field, index) => {
    const name = FIELD_NAMES[field] ?? field.replace(/_/g, ' ');
    return index === 0 ? name : name.toLowerCase();
  });
  const what = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  let owner = TABLE_NAMES[item.table] ?? 'an item';
  if (item.table === 'contacts') {
    const contact = await db.contacts.get(item.row_id);
    owner = contact ? contactFullName(contact) || 'a contact' : 'a contact';
  }
  return { message: `${what} of ${owner} ${names.length === 1 ? 'was' : 'were'} changed on another device.` };
}
