import type { FieldbookDb } from '../db/fieldbook-db';
import type { Overwritten } from '../db/sync-local';
import { contactFullName } from '../domain/contact';
import { SYNCED_TABLE_REGISTRY } from '../domain/synced-table';

const FIELD_NAMES: Readonly<Record<string, string>> = {
  first_name: 'First name',
  last_name: 'Last name',
  phone: 'Phone number',
  email: 'Email',
  // The lists and their primary (phone/email) are one thing to the member: an edit writes both.
  phones: 'Phone number',
  emails: 'Email',
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


/**
 * "Phone number of Jane Doe was changed on another device" (or, for a row deleted for good elsewhere,
 * "A contact was deleted on another device, so your change to phone number was not saved"), or null
 * for changes not worth a word.
 */
export async function describeOverwritten(db: FieldbookDb, item: Overwritten): Promise<{ message: string } | null> {
  const fields = Object.keys(item.lost).filter((field) => field !== 'last_touched_at');
  if (fields.length === 0) return null;
  const names = [...new Set(fields.map((field) => FIELD_NAMES[field] ?? field.replace(/_/g, ' ')))].map((name, index) => (index === 0 ? name : name.toLowerCase()));
  const what = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  let owner: string = SYNCED_TABLE_REGISTRY[item.table].phrase;
  if (item.removed) {
    const gone = item.table === 'contacts' ? 'a contact' : owner;
    return { message: `${gone.charAt(0).toUpperCase()}${gone.slice(1)} was deleted on another device, so your change to ${what?.toLowerCase() ?? ''} was not saved.` };
  }
  if (item.table === 'contacts') {
    const contact = await db.contacts.get(item.row_id);
    owner = contact ? contactFullName(contact) || 'a contact' : 'a contact';
  }
  return { message: `${what} of ${owner} ${names.length === 1 ? 'was' : 'were'} changed on another device.` };
}
