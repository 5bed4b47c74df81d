import type { ContactStage, ContactType } from '../domain/contact';
import type { ContactPoint } from '../domain/contact-points';

/*
 * What every reader (vCard, CSV, the Contact Picker) hands to the import: one person as the file
 * described them, before any de-duplication or defaults. Nothing the file said is dropped: what has
 * no column of its own (company, job title, birthday, addresses, custom fields) goes into `extra`,
 * which the import appends to the notes as "Label: value" lines.
 */

/** A phone number or email address with its label: 'mobile', 'home', 'work', 'other' or the file's own text. */
export type { ContactPoint };

export type ParsedContact = {
  /** The 1-based line of the file where this contact starts (a vCard's BEGIN, a CSV record's first line). */
  readonly line: number;
  readonly first_name: string;
  readonly last_name: string;
  /** Organisation name, kept apart because a card with no name is named after it. */
  readonly organization: string;
  readonly phones: readonly ContactPoint[];
  readonly emails: readonly ContactPoint[];
  /** Labels, groups and categories the person put on the contact (system labels such as Google's "* myContacts" left out). */
  readonly tags: readonly string[];
  readonly notes: string;
  /** Everything else worth keeping, in file order: [label, value]. */
  readonly extra: readonly (readonly [string, string])[];
  /** Set only when the file says so (a Fieldbook export, HubSpot's lifecycle stage). */
  readonly stage?: ContactStage;
  readonly contact_type?: ContactType;
  readonly lead_source?: string;
  readonly next_follow_up_on?: string;
};

/** A record that could not be read, with the line it starts on and a reason a person can act on. */
export type ParseProblem = { readonly line: number; readonly message: string };

export type ParseResult = {
  /** What the file turned out to be, in words: "Google Contacts CSV", "vCard 2.1", … */
  readonly format: string;
  readonly contacts: readonly ParsedContact[];
  readonly problems: readonly ParseProblem[];
};
