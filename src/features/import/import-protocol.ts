import type { ColumnChoiceId } from '../../contacts-io/csv-read';
import type { LegacyEncoding } from '../../contacts-io/decode-text';
import type { MatchReason } from '../../contacts-io/match-index';
import type { ContactFields, DraftDefaults } from '../../contacts-io/to-contact-draft';
import type { Contact } from '../../domain/contact';

/*
 * What the import screen and the parsing engine say to each other. The engine runs in a Web Worker
 * (import-worker.ts) or, where there is none (tests), on the main thread in short slices; the screen
 * cannot tell which. The engine keeps the parsed file; the screen holds only the preview (counts,
 * problems, matches) and, at the end, the rows to write.
 */

/** Where a batch came from, in the words the lead source and the feed use. */
export type ImportSource = 'Phone contacts' | 'Google' | 'Outlook' | 'HubSpot' | 'vCard' | 'Spreadsheet' | 'Fieldbook';

/** What to do with a row that matches a contact already in the list. */
export type MatchChoice = 'merge' | 'skip' | 'new';

/**
 * A contact of the member's list as the engine needs it (matching, merging, the preview's names):
 * without its stamps and bookkeeping columns, which made up half of what the screen copied to the
 * worker in one main-thread task (about 100 ms for 10,000 contacts).
 */
export type ExistingContact = Omit<Contact, 'field_stamps' | 'member_id' | 'updated_at'>;

/** What the engine is sent of each of the member's contacts. */
export function toExistingContact({ field_stamps: _stamps, member_id: _member, updated_at: _updated, ...rest }: Contact): ExistingContact {
  return rest;
}

/** A person from the Contact Picker, as the browser hands them over. */
export type PickedContact = { readonly name: readonly string[]; readonly tel: readonly string[]; readonly email: readonly string[] };

export type ImportRequest =
  | {
      readonly type: 'open';
      readonly file: Blob;
      readonly fileName: string;
      /** The code page for text that is not UTF-8; null lets the engine decide (Windows-1252). */
      readonly legacy: LegacyEncoding | null;
      readonly callingCode: string;
      readonly existing: readonly ExistingContact[];
    }
  | { readonly type: 'picked'; readonly picked: readonly PickedContact[]; readonly callingCode: string; readonly existing: readonly ExistingContact[] }
  /** A column mapper change: the file is read again with these choices (one per column, null = as detected). */
  | { readonly type: 'remap'; readonly choices: readonly (ColumnChoiceId | null)[] }
  | {
      readonly type: 'build';
      readonly defaults: DraftDefaults;
      readonly choice: MatchChoice;
      /** Rows (preview row numbers) whose choice differs from `choice`. */
      readonly overrides: readonly (readonly [number, MatchChoice])[];
      /** The matched contacts as they are now (they may have changed since the preview). */
      readonly fresh: readonly Contact[];
    };

export type ImportProblem = { readonly line: number; readonly message: string };

export type ImportMatch = {
  readonly row: number;
  readonly line: number;
  readonly name: string;
  readonly contactId: string;
  /** The name of the contact already in the list. */
  readonly existingName: string;
  readonly by: readonly MatchReason[];
  /** How many later rows of the file are the same person (merged into this one). */
  readonly repeats: number;
};

export type CsvColumn = {
  readonly index: number;
  readonly header: string;
  readonly samples: readonly string[];
  /** The mapper's current choice; null for a role only the detected format gives (Google's numbered groups). */
  readonly choice: ColumnChoiceId | null;
  readonly unrecognised: boolean;
};

export type ImportPreview = {
  readonly fileName: string;
  readonly format: string;
  readonly source: ImportSource;
  readonly encoding: string;
  /** Replacement characters or typical mojibake: offer another encoding. */
  readonly looksGarbled: boolean;
  /** Records in the file, readable or not. */
  readonly found: number;
  readonly importable: number;
  readonly newCount: number;
  readonly matchCount: number;
  readonly repeatCount: number;
  readonly problems: readonly ImportProblem[];
  /** Problems beyond the ones listed. */
  readonly moreProblems: number;
  readonly matches: readonly ImportMatch[];
  /** The first people of the file, for a glance. */
  readonly samples: readonly { readonly name: string; readonly detail: string }[];
  /** Present for spreadsheets: the columns, for the mapper. */
  readonly columns: readonly CsvColumn[] | null;
  /** What the mapper offers for each column. */
  readonly columnChoices: readonly { readonly id: ColumnChoiceId; readonly label: string }[];
  /** Whether the mapper should be open: a sheet nobody recognised, or columns nobody recognised. */
  readonly needsMapping: boolean;
};

/** One row for the store, as contact-batches' ImportRow says (repeated here so the engine needs no db types). */
export type BuiltRow =
  | { readonly kind: 'create'; readonly fields: ContactFields }
  | { readonly kind: 'merge'; readonly contactId: string; readonly fields: Partial<ContactFields> };

export type ImportPhase = 'reading' | 'parsing' | 'matching' | 'building';

export type ImportResponse =
  | { readonly type: 'progress'; readonly phase: ImportPhase; readonly done: number; readonly total: number }
  | { readonly type: 'preview'; readonly preview: ImportPreview }
  | { readonly type: 'rows'; readonly rows: readonly BuiltRow[]; readonly last: boolean; readonly unchanged: number; readonly skipped: number }
  | { readonly type: 'failed'; readonly message: string };
