import type { Contact } from '../../domain/contact';
import type { DuplicateGroup } from '../../contacts-io/duplicate-groups';
import type { PhoneKey } from '../../contacts-io/phone-key';

export type DuplicateScan = { readonly groups: DuplicateGroup<Contact>[]; readonly phoneKey: PhoneKey };

/**
 * The possible-duplicate groups among `contacts`, with phone numbers read against the member's
 * default calling code, and that phone-key function (for the merge preview). The grouping code and libphonenumber load on first use, never with the list.
 */
export async function loadDuplicateGroups(contacts: readonly Contact[], callingCode: string, dismissed: ReadonlySet<string>): Promise<DuplicateScan> {
  const [{ findDuplicateGroups }, { createPhoneKey }] = await Promise.all([import('../../contacts-io/duplicate-groups'), import('../../contacts-io/phone-key')]);
  const phoneKey = createPhoneKey(callingCode);
  return { groups: findDuplicateGroups(contacts, phoneKey, dismissed), phoneKey };
}
