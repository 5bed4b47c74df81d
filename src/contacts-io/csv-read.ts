import Papa from 'papaparse';
import { CONTACT_STAGES, CONTACT_TYPES, STAGE_LABELS } from '../domain/contact';
import type { ContactStage, ContactType } from '../domain/contact';
import { FIELDBOOK_CUSTOM_FIELDS, unneutralise } from './csv-write';
import type { ContactPoint, ParsedContact, ParseProblem, ParseResult } from './parsed-contact';

/*
 * Contact spreadsheets: Google Contacts (the current export and the older one), Outlook in English,
 * French, German and Spanish, HubSpot (column labels or internal names), Fieldbook's own export, and
 * any other sheet with recognisable headers, or none. inspectCsv() decides the delimiter, the header
 * row, the format and a role per column, which a column mapper may change before iterateCsv() reads
 * the rows. papaparse does the quoting; the text is fed to it in chunks and the generator pauses it
 * between chunks, so rows are never all held at once.
 *
 * Line ends are read as LF (CRLF and CR included), so a note written with CRLF comes back with LF.
 */

/** The parts of a numbered group ("Phone 2 - Label", "E-mail 1 - Value"): Google writes one group per address. */
export type GroupField = 'phone' | 'email' | 'address' | 'website' | 'relation' | 'event' | 'custom' | 'im';

export type ColumnRole =
  | { readonly kind: 'first_name' }
  | { readonly kind: 'middle_name' }
  | { readonly kind: 'last_name' }
  | { readonly kind: 'full_name' }
  | { readonly kind: 'organization' }
  | { readonly kind: 'phone'; readonly label: string }
  | { readonly kind: 'email'; readonly label: string }
  | { readonly kind: 'group_label'; readonly field: GroupField; readonly group: number }
  | { readonly kind: 'group_value'; readonly field: GroupField; readonly group: number }
  /** ':::' for Google's labels, ';' for Outlook's categories, 'auto' for ::: or else commas and semicolons. */
  | { readonly kind: 'tags'; readonly separator: ':::' | ';' | 'auto' }
  | { readonly kind: 'notes' }
  | { readonly kind: 'lead_source' }
  | { readonly kind: 'stage' }
  | { readonly kind: 'contact_type' }
  | { readonly kind: 'next_follow_up_on' }
  /** Kept in the notes as "label: value". */
  | { readonly kind: 'extra'; readonly label: string }
  | { readonly kind: 'ignore' };

export type ColumnMapping = readonly ColumnRole[];

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvInspection = {
  readonly delimiter: CsvDelimiter;
  readonly hasHeader: boolean;
  /** The header row, or "Column 1", "Column 2", … when the file has none. */
  readonly headers: readonly string[];
  readonly format: string;
  readonly mapping: ColumnMapping;
  /** Columns no rule recognised (mapped to 'extra' under their header until someone decides). */
  readonly unrecognised: readonly number[];
  /** The first data rows, for a preview. */
  readonly sample: readonly (readonly string[])[];
};

export const FIELDBOOK_FORMAT = 'Fieldbook export';

/** What a column mapper offers for a column, in the order a <select> lists them. */
export const COLUMN_CHOICES = [
  { id: 'first_name', label: 'First name' },
  { id: 'last_name', label: 'Last name' },
  { id: 'middle_name', label: 'Middle name' },
  { id: 'full_name', label: 'Full name' },
  { id: 'organization', label: 'Company' },
  { id: 'phone_mobile', label: 'Mobile phone' },
  { id: 'phone_home', label: 'Home phone' },
  { id: 'phone_work', label: 'Work phone' },
  { id: 'phone_other', label: 'Other phone' },
  { id: 'email_other', label: 'Email' },
  { id: 'email_home', label: 'Home email' },
  { id: 'email_work', label: 'Work email' },
  { id: 'tags', label: 'Tags' },
  { id: 'notes', label: 'Notes' },
  { id: 'lead_source', label: 'Lead source' },
  { id: 'stage', label: 'Stage' },
  { id: 'contact_type', label: 'Customer or business' },
  { id: 'next_follow_up_on', label: 'Follow-up date' },
  { id: 'extra', label: 'Keep in notes' },
  { id: 'ignore', label: 'Do not import' },
] as const;

export type ColumnChoiceId = (typeof COLUMN_CHOICES)[number]['id'];

/** The role a column gets when someone picks `id` for it; `header` names what goes to the notes. */
export function roleForChoice(id: ColumnChoiceId, header: string): ColumnRole {
  switch (id) {
    case 'phone_mobile':
    case 'phone_home':
    case 'phone_work':
    case 'phone_other':
      return { kind: 'phone', label: id.slice(6) };
    case 'email_other':
    case 'email_home':
    case 'email_work':
      return { kind: 'email', label: id.slice(6) };
    case 'tags':
      return { kind: 'tags', separator: 'auto' };
    case 'extra':
      return { kind: 'extra', label: header.trim() === '' ? 'Other' : header.trim() };
    default:
      return { kind: id };
  }
}

/** The choice that shows `role` in a column mapper, or null for a role only a known format assigns (Google's numbered groups). */
export function choiceForRole(role: ColumnRole): ColumnChoiceId | null {
  switch (role.kind) {
    case 'phone':
      return (['mobile', 'home', 'work'].includes(role.label) ? `phone_${role.label}` : 'phone_other') as ColumnChoiceId;
    case 'email':
      return (['home', 'work'].includes(role.label) ? `email_${role.label}` : 'email_other') as ColumnChoiceId;
    case 'group_label':
    case 'group_value':
      return null;
    default:
      return role.kind;
  }
}

// ---------------------------------------------------------------------------------------------
// Header dictionary. Keys are normalised headers: no accents, lower case, punctuation as spaces,
// and (for the lookup after the exact one) without numbers, so "E-mail 2 Address" is "e mail address".

const ROLE_BY_HEADER = new Map<string, ColumnRole>();
const ignore: ColumnRole = { kind: 'ignore' };

function define(role: ColumnRole, headers: readonly string[]): void {
  for (const header of headers) ROLE_BY_HEADER.set(normaliseHeader(header), role);
}

define({ kind: 'first_name' }, ['First Name', 'firstname', 'Given Name', 'First', 'Forename', 'Prénom', 'Vorname', 'Nombre', 'Nome']);
define({ kind: 'middle_name' }, ['Middle Name', 'Additional Name', 'Deuxième prénom', 'Weitere Vornamen', 'Segundo nombre']);
define({ kind: 'last_name' }, ['Last Name', 'lastname', 'Family Name', 'Surname', 'Last', 'Nom', 'Nom de famille', 'Nachname', 'Apellidos', 'Apellido', 'Cognome']);
define({ kind: 'full_name' }, ['Name', 'Full Name', 'fullname', 'Display Name', 'Contact', 'Contact Name', 'Nom complet', 'Vollständiger Name', 'Nombre completo']);
define({ kind: 'organization' }, ['Company', 'Company Name', 'Organization', 'Organisation', 'Organization Name', 'Business', 'Société', 'Entreprise', 'Firma', 'Organización', 'Empresa']);
define({ kind: 'phone', label: 'mobile' }, ['Mobile Phone', 'Mobile', 'Mobile Number', 'Mobile Phone Number', 'mobilephone', 'Cell', 'Cell Phone', 'Cellphone', 'Handy', 'Mobiltelefon', 'Tél. mobile', 'Téléphone mobile', 'Portable', 'Teléfono móvil', 'Móvil', 'Celular', 'WhatsApp']);
define({ kind: 'phone', label: 'home' }, ['Home Phone', 'Téléphone (domicile)', 'Téléphone 2 (domicile)', 'Telefon (privat)', 'Telefon privat', 'Telefon privat 2', 'Teléfono particular', 'Número de teléfono particular']);
define({ kind: 'phone', label: 'work' }, ['Business Phone', 'Work Phone', 'Office Phone', 'Company Main Phone', 'Téléphone (bureau)', 'Téléphone 2 (bureau)', 'Téléphone société', 'Telefon (geschäftlich)', 'Telefon geschäftlich', 'Telefon Firma', 'Teléfono del trabajo', 'Número de centralita de la organización']);
define({ kind: 'phone', label: 'other' }, ['Phone', 'Phone Number', 'Telephone', 'Tel', 'Téléphone', 'Telefon', 'Teléfono', 'Number', 'Other Phone', 'Primary Phone', 'Téléphone (autre)', 'Téléphone principal', 'Weiteres Telefon', 'Haupttelefon', 'Otro teléfono', 'Teléfono principal']);
define({ kind: 'phone', label: 'Work fax' }, ['Business Fax', 'Télécopie (bureau)', 'Fax geschäftlich', 'Fax del trabajo']);
define({ kind: 'phone', label: 'Home fax' }, ['Home Fax', 'Télécopie (domicile)', 'Fax privat', 'Fax particular']);
define({ kind: 'phone', label: 'Fax' }, ['Fax', 'Other Fax', 'Télécopie (autre)', 'Weiteres Fax', 'Otro fax']);
define({ kind: 'phone', label: 'Pager' }, ['Pager', 'Récepteur de radiomessagerie', 'Localizador']);
define({ kind: 'phone', label: 'Car' }, ['Car Phone', 'Téléphone (voiture)', 'Autotelefon', 'Teléfono del automóvil']);
define({ kind: 'phone', label: 'Callback' }, ['Callback', 'Rappel', 'Rückmeldung', 'Devolución de llamada']);
define({ kind: 'phone', label: 'ISDN' }, ['ISDN', 'RNIS', 'RDSI']);
define({ kind: 'phone', label: 'Radio' }, ['Radio Phone', 'Radio téléphone', 'Funkruf', 'Radioteléfono']);
define({ kind: 'phone', label: 'TTY/TDD' }, ['TTY/TDD Phone', 'Téléphone TDD/TTY', 'Telefon für Hörbehinderte', 'Teléfono TTY/TDD']);
define({ kind: 'phone', label: 'Telex' }, ['Telex', 'Télex']);
define({ kind: 'phone', label: 'Assistant' }, ["Assistant's Phone", "Téléphone de l'assistant(e)", 'Telefon Assistent', 'Teléfono del ayudante']);
define({ kind: 'email', label: 'other' }, ['E-mail Address', 'Email Address', 'Email', 'E-mail', 'Mail', 'Courriel', 'Adresse de messagerie', 'Adresse e-mail', 'E-Mail-Adresse', 'E-Mail Adresse', 'Dirección de correo electrónico', 'Correo electrónico', 'Correo']);
define({ kind: 'email', label: 'work' }, ['Work Email', 'Business Email', 'Work E-mail', 'Office Email']);
define({ kind: 'email', label: 'home' }, ['Home Email', 'Personal Email', 'Home E-mail', 'Private Email']);
define({ kind: 'tags', separator: ':::' }, ['Labels', 'Group Membership']);
define({ kind: 'tags', separator: ';' }, ['Categories', 'Catégories', 'Kategorien', 'Categorías']);
define({ kind: 'tags', separator: 'auto' }, ['Tags', 'Tag', 'Groups', 'Group', 'Lists', 'Étiquettes', 'Etiketten', 'Etiquetas']);
define({ kind: 'notes' }, ['Notes', 'Note', 'Notizen', 'Notas', 'Comments', 'Comment', 'Remarks', 'Description', 'Commentaires', 'Bemerkungen']);
define({ kind: 'lead_source' }, ['Lead Source', 'Source', 'Original Source', 'hs_analytics_source', 'leadsource', 'Referred By', 'Recommandé par', 'Empfohlen von']);
define({ kind: 'stage' }, ['Stage', 'Lifecycle Stage', 'lifecyclestage', 'Pipeline Stage']);
define({ kind: 'contact_type' }, ['Contact Type', 'Path']);
define({ kind: 'next_follow_up_on' }, ['Follow-up', 'Follow up', 'Follow-up date', 'Next Follow-up', 'Next follow up on', 'next_follow_up_on']);
// Values that say nothing about the person (Outlook fills them for every contact).
define(ignore, [
  'Photo', 'File As', 'Phonetic First Name', 'Phonetic Middle Name', 'Phonetic Last Name', 'Yomi Name', 'Given Name Yomi', 'Additional Name Yomi', 'Family Name Yomi', 'Initials', 'Short Name',
  'Priority', 'Sensitivity', 'Private', 'Gender', 'E-mail Type', 'E-mail Display Name', 'Internet Free Busy', 'Directory Server', 'Billing Information', 'Mileage', 'Language', 'Location', 'Account', 'User', 'Government ID Number', 'Organizational ID Number', 'Subject',
  'Priorité', 'Critère de diffusion', 'Privé', 'Sexe', 'Initiales', 'Type de messagerie', "Nom complet de l'adresse de messagerie", 'Disponibilité Internet', "Serveur d'annuaire", 'Informations facturation', 'Kilométrage', 'Langue', 'Emplacement', 'Compte', 'Utilisateur', 'Code gouvernement', "Code d'identification de l'organisation",
  'Priorität', 'Vertraulichkeit', 'Privat', 'Geschlecht', 'Initialen', 'E-Mail-Typ', 'E-Mail: angezeigter Name', 'E-Mail: Adresse', 'E-Mail: Typ', 'Internet-Frei/Gebucht', 'Verzeichnisserver', 'Abrechnungsinformation', 'Reisekilometer', 'Sprache', 'Ort', 'Konto', 'Benutzer', 'Regierungs-Nr.', 'Organisations-Nr.',
  'Prioridad', 'Confidencialidad', 'Privado', 'Sexo', 'Iniciales', 'Tipo de correo electrónico', 'Mostrar nombre de correo electrónico', 'Disponibilidad de Internet', 'Servidor de directorio', 'Información de facturación', 'Kilometraje', 'Idioma', 'Ubicación', 'Cuenta', 'Usuario', 'Número de id. de gobierno', 'Número de id. de organización',
  'Contact owner', 'hubspot_owner_id', 'Marketing contact status', 'hs_marketable_status', 'Last Modified Date', 'lastmodifieddate',
]);
// German "E-Mail 2: Adresse" is numbered in the middle; the number-free lookup needs it as an email.
define({ kind: 'email', label: 'other' }, ['E-Mail: Adresse', 'Adresse de messagerie', 'Dirección de correo electrónico']);

/** Headers kept in the notes under their own words, known so they are not reported as unrecognised. */
const KNOWN_EXTRA = new Set(
  [
    'Title', 'Suffix', 'Name Prefix', 'Name Suffix', 'Nickname', 'Maiden Name', 'Job Title', 'jobtitle', 'Organization Title', 'Organization Department', 'Department', 'Birthday', 'Anniversary', 'Web Page', 'Website', 'Website URL', 'Spouse', "Manager's Name", "Assistant's Name", 'Children', 'Profession', 'Office Location', 'Hobby', 'Keywords', 'Occupation',
    'Record ID', 'hs_object_id', 'Lead Status', 'hs_lead_status', 'Create Date', 'createdate', 'Last Activity Date', 'City', 'State/Region', 'Country/Region', 'Street Address', 'Postal Code', 'Zip', 'Address', 'Country', 'State', 'website', 'company_size', 'industry', 'Industry',
    'Business Address PO Box', 'Home Address PO Box', 'Other Address PO Box', 'Business Street', 'Business City', 'Business State', 'Business Postal Code', 'Business Country/Region', 'Home Street', 'Home City', 'Home State', 'Home Postal Code', 'Home Country/Region', 'Other Street', 'Other City', 'Other State', 'Other Postal Code', 'Other Country/Region',
    'Titre', 'Suffixe', 'Service', 'Anniversaire', 'Conjoint(e)', 'Enfants', 'Page Web', 'Bureau', 'Rue (bureau)', 'Ville (bureau)', 'Code postal (bureau)', 'Pays/Région (bureau)', 'Rue (domicile)', 'Ville (domicile)', 'Code postal (domicile)', 'Pays/Région (domicile)',
    'Anrede', 'Position', 'Abteilung', 'Geburtstag', 'Jahrestag', 'Partner', 'Kinder', 'Webseite', 'Straße geschäftlich', 'Ort geschäftlich', 'Postleitzahl geschäftlich', 'Land/Region geschäftlich', 'Straße privat', 'Ort privat', 'Postleitzahl privat', 'Land/Region privat',
    'Tratamiento', 'Sufijo', 'Departamento', 'Puesto', 'Cumpleaños', 'Aniversario', 'Cónyuge', 'Hijos', 'Página web', 'Calle del trabajo', 'Ciudad de trabajo', 'Código postal del trabajo', 'País o región del trabajo', 'Calle del domicilio', 'Ciudad de residencia', 'Código postal de residencia', 'País o región de residencia',
  ].map(normaliseHeader),
);

/** Headers only Outlook writes (in its four most common languages). */
const OUTLOOK_SIGNS = new Set(
  ['E-mail Address', 'Mobile Phone', 'Business Phone', 'Home Phone', 'Categories', 'E-mail Display Name', 'Adresse de messagerie', 'Tél. mobile', 'Téléphone mobile', 'Téléphone (bureau)', 'Téléphone (domicile)', 'Catégories', 'E-Mail-Adresse', 'Mobiltelefon', 'Telefon (geschäftlich)', 'Telefon (privat)', 'Kategorien', 'Dirección de correo electrónico', 'Teléfono móvil', 'Teléfono del trabajo', 'Teléfono particular', 'Categorías'].map(normaliseHeader),
);

const GROUP_FIELDS: Readonly<Record<string, GroupField>> = { phone: 'phone', 'e mail': 'email', email: 'email', address: 'address', website: 'website', relation: 'relation', event: 'event', 'custom field': 'custom', im: 'im' };
const GROUP_HEADER = /^(phone|e mail|email|address|website|relation|event|custom field|im|organization) (\d+) (.+)$/;

export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The role a header names, or null when no rule knows it. */
function roleOfHeader(header: string): ColumnRole | null {
  const key = normaliseHeader(header);
  if (key === '') return null;
  const group = / \d+ - /.test(header) ? GROUP_HEADER.exec(key) : null;
  if (group !== null) {
    const [, name = '', number = '', part = ''] = group;
    const index = Number(number);
    if (name === 'organization') {
      if (part === 'name') return index === 1 ? { kind: 'organization' } : { kind: 'extra', label: 'Organization' };
      if (part === 'title') return { kind: 'extra', label: 'Job title' };
      if (part === 'department') return { kind: 'extra', label: 'Department' };
      return ignore;
    }
    const field = GROUP_FIELDS[name];
    if (field === undefined) return null;
    if (part === 'label' || part === 'type') return { kind: 'group_label', field, group: index };
    if (part === 'value' || part === 'formatted') return { kind: 'group_value', field, group: index };
    return ignore; // Address 1 - Street, IM 1 - Service, …: the formatted value has it all
  }
  const exact = ROLE_BY_HEADER.get(key);
  if (exact !== undefined) return exact;
  const numberless = key.replace(/(^| )\d+(?= |$)/g, ' ').replace(/\s+/g, ' ').trim();
  const loose = ROLE_BY_HEADER.get(numberless);
  if (loose !== undefined) return loose;
  if (KNOWN_EXTRA.has(key) || KNOWN_EXTRA.has(numberless)) return { kind: 'extra', label: header.trim() };
  return null;
}

// ---------------------------------------------------------------------------------------------

const BOM = '\uFEFF';
/** How much of the file inspectCsv looks at. */
const INSPECT_CHARS = 256 * 1024;
const SAMPLE_ROWS = 5;
const GUESS_ROWS = 20;
const CHUNK_CHARS = 256 * 1024;

function normaliseLineEnds(text: string): string {
  const withoutMark = text.startsWith(BOM) ? text.slice(1) : text;
  return withoutMark.includes('\r') ? withoutMark.replace(/\r\n?/g, '\n') : withoutMark;
}

/** Counts each candidate delimiter outside quotes on the first lines and picks the one used consistently. */
function sniffDelimiter(text: string): CsvDelimiter {
  const candidates: readonly CsvDelimiter[] = [',', ';', '\t'];
  const lines: Record<CsvDelimiter, number>[] = [];
  let counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  const limit = Math.min(text.length, 64 * 1024);
  for (let i = 0; i < limit && lines.length < 10; i++) {
    const char = text[i];
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && char === '\n') {
      lines.push(counts);
      counts = { ',': 0, ';': 0, '\t': 0 };
    } else if (!inQuotes && (char === ',' || char === ';' || char === '\t')) counts[char]++;
  }
  if (lines.length < 10 && (counts[','] > 0 || counts[';'] > 0 || counts['\t'] > 0)) lines.push(counts);
  const first = lines[0];
  if (first === undefined) return ',';
  let best: CsvDelimiter = ',';
  let bestScore = -1;
  for (const delimiter of candidates) {
    const head = first[delimiter];
    if (head === 0) continue;
    const consistent = lines.filter((line) => line[delimiter] === head).length / lines.length;
    const score = head * (0.5 + consistent);
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

function parseRows(text: string, delimiter: CsvDelimiter, limit: number): string[][] {
  const result = Papa.parse<string[]>(text, { delimiter, newline: '\n', quoteChar: '"', header: false, preview: limit });
  return result.data;
}

const EMAIL_LIKE = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const PHONE_LIKE = /^[+(]?[0-9][0-9 ()\-./]{3,}[0-9]$|^[+(]?[0-9 ()\-./]*(ext\.?|x) ?\d+$/i;
const isPhoneLike = (value: string) => PHONE_LIKE.test(value.trim()) && value.replace(/\D/g, '').length >= 5;

/** What a file is and how its columns map, from its first rows. */
export function inspectCsv(text: string): CsvInspection {
  const head = normaliseLineEnds(text.slice(0, INSPECT_CHARS));
  const delimiter = sniffDelimiter(head);
  const rows = parseRows(head, delimiter, GUESS_ROWS + 1).filter((row) => !isBlank(row));
  const firstRow = rows[0] ?? [];
  const width = Math.max(firstRow.length, ...rows.map((row) => row.length));
  const roles = firstRow.map(roleOfHeader);
  const recognised = roles.filter((role) => role !== null).length;
  const firstRowIsData = firstRow.some((cell) => EMAIL_LIKE.test(cell.trim()) || isPhoneLike(cell));
  const hasHeader = recognised > 0 || (!firstRowIsData && rows.length > 1) || rows.length <= 1;
  if (!hasHeader) {
    const headers = Array.from({ length: width }, (_, i) => `Column ${i + 1}`);
    const mapping = guessFromContent(rows.slice(0, GUESS_ROWS), width);
    return { delimiter, hasHeader, headers, format: 'Spreadsheet (no header row)', mapping, unrecognised: [], sample: rows.slice(0, SAMPLE_ROWS) };
  }
  const headers = firstRow.map((cell) => cell.trim());
  const dataRows = rows.slice(1);
  const format = formatOf(headers, dataRows);
  const mapping = headers.map((header, index): ColumnRole => roles[index] ?? { kind: 'extra', label: header === '' ? `Column ${index + 1}` : header });
  const unrecognised = roles.flatMap((role, index) => (role === null ? [index] : []));
  return { delimiter, hasHeader, headers, format, mapping, unrecognised, sample: dataRows.slice(0, SAMPLE_ROWS) };
}

function formatOf(headers: readonly string[], dataRows: readonly (readonly string[])[]): string {
  const keys = new Set(headers.map(normaliseHeader));
  if (keys.has('record id') || keys.has('hs object id') || keys.has('lifecyclestage') || keys.has('lifecycle stage')) return 'HubSpot export';
  const hasGroup = (part: string) => headers.some((header) => new RegExp(`^(Phone|E-mail) \\d+ - ${part}$`, 'i').test(header.trim()));
  if (hasGroup('Label')) return isFieldbookExport(headers, dataRows) ? FIELDBOOK_FORMAT : 'Google Contacts CSV';
  if (hasGroup('Type') || keys.has('group membership')) return 'Google Contacts CSV (older format)';
  const outlookSigns = [...keys].filter((key) => OUTLOOK_SIGNS.has(key)).length;
  if (outlookSigns >= 3) {
    const language = keys.has('prenom') ? ' (French)' : keys.has('vorname') ? ' (German)' : keys.has('apellidos') ? ' (Spanish)' : '';
    return `Outlook CSV${language}`;
  }
  return 'Spreadsheet';
}

/** Fieldbook writes its stage and type as the first two Custom Fields of every row. */
function isFieldbookExport(headers: readonly string[], dataRows: readonly (readonly string[])[]): boolean {
  const column = (name: string) => headers.indexOf(name);
  const stageLabel = column('Custom Field 1 - Label');
  const typeLabel = column('Custom Field 2 - Label');
  const first = dataRows[0];
  if (stageLabel === -1 || typeLabel === -1 || first === undefined) return false;
  return first[stageLabel] === FIELDBOOK_CUSTOM_FIELDS.stage && first[typeLabel] === FIELDBOOK_CUSTOM_FIELDS.contact_type;
}

/** Without a header: emails hold an @, phones are mostly digits, the first text columns are the name. */
function guessFromContent(rows: readonly (readonly string[])[], width: number): ColumnRole[] {
  const roles: ColumnRole[] = [];
  const textColumns: number[] = [];
  for (let column = 0; column < width; column++) {
    const values = rows.map((row) => (row[column] ?? '').trim()).filter((value) => value !== '');
    const share = (test: (value: string) => boolean) => (values.length === 0 ? 0 : values.filter(test).length / values.length);
    if (values.length === 0) roles.push(ignore);
    else if (share((value) => EMAIL_LIKE.test(value)) >= 0.5) roles.push({ kind: 'email', label: 'other' });
    else if (share(isPhoneLike) >= 0.5) roles.push({ kind: 'phone', label: 'other' });
    else {
      roles.push({ kind: 'extra', label: `Column ${column + 1}` });
      textColumns.push(column);
    }
  }
  const [firstText, secondText] = textColumns;
  if (firstText !== undefined && secondText === undefined) roles[firstText] = { kind: 'full_name' };
  if (firstText !== undefined && secondText !== undefined) {
    roles[firstText] = { kind: 'first_name' };
    roles[secondText] = { kind: 'last_name' };
  }
  return roles;
}

function isBlank(row: readonly string[]): boolean {
  return row.every((cell) => cell.trim() === '');
}

// ---------------------------------------------------------------------------------------------

/**
 * The contacts of a CSV file, one record at a time, with a problem for each record that cannot be
 * read. Each carries the file line its record starts on (a quoted cell may span lines).
 */
export function* iterateCsv(text: string, inspection: CsvInspection): Generator<ParsedContact | ParseProblem, void, undefined> {
  const normalised = normaliseLineEnds(text);
  const isFieldbook = inspection.format === FIELDBOOK_FORMAT;
  // Filled by papaparse's callbacks; an object so the type checker sees the writes made inside them.
  const state: { rows: string[][]; errors: Papa.ParseError[]; parser: Papa.Parser | null; done: boolean; chunks: number } = { rows: [], errors: [], parser: null, done: false, chunks: 0 };
  Papa.parse<string[]>(normalised, {
    delimiter: inspection.delimiter,
    newline: '\n',
    quoteChar: '"',
    header: false,
    chunkSize: CHUNK_CHARS,
    chunk: (results: Papa.ParseResult<string[]>, handle: Papa.Parser) => {
      state.rows = results.data;
      state.errors = results.errors;
      state.parser = handle;
      state.chunks++;
      handle.pause(); // handed back to the loop below, which resumes it for the next chunk
    },
    complete: () => {
      state.done = true;
    },
  });
  let line = 1;
  let isHeader = inspection.hasHeader;
  for (;;) {
    const rows = state.rows;
    const unclosed = new Set(state.errors.filter((error) => error.code === 'MissingQuotes').map((error) => error.row));
    state.rows = [];
    state.errors = [];
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      const rowLine = line;
      line += 1 + countLineBreaks(row);
      if (isHeader) {
        isHeader = false;
        continue;
      }
      if (unclosed.has(index)) {
        yield { line: rowLine, message: `A quoted cell that starts on line ${rowLine} is never closed, so the rest of the file could not be read as rows. Check the quotes (") on that line.` };
        continue;
      }
      if (isBlank(row)) continue;
      try {
        yield rowToContact(row, inspection, rowLine, isFieldbook);
      } catch (error) {
        yield { line: rowLine, message: `This row could not be read (${error instanceof Error ? error.message : String(error)}).` };
      }
    }
    if (state.done || state.parser === null) return;
    const before = state.chunks;
    state.parser.resume();
    if (state.chunks === before && !state.done) return;
  }
}

/** Every contact and problem of a CSV file, inspected first unless an inspection is given. */
export function readCsv(text: string, inspection: CsvInspection = inspectCsv(text)): ParseResult {
  const contacts: ParsedContact[] = [];
  const problems: ParseProblem[] = [];
  for (const item of iterateCsv(text, inspection)) {
    if ('message' in item) problems.push(item);
    else contacts.push(item);
  }
  return { format: inspection.format, contacts, problems };
}

function countLineBreaks(row: readonly string[]): number {
  let count = 0;
  for (const cell of row) {
    let at = cell.indexOf('\n');
    while (at !== -1) {
      count++;
      at = cell.indexOf('\n', at + 1);
    }
  }
  return count;
}

type Group = { label: string; values: string[] };

function rowToContact(row: readonly string[], inspection: CsvInspection, line: number, isFieldbook: boolean): ParsedContact {
  const { mapping, headers } = inspection;
  let first = '';
  let middle = '';
  let last = '';
  let full = '';
  let organization = '';
  const phones: { point: ContactPoint; primary: boolean }[] = [];
  const emails: { point: ContactPoint; primary: boolean }[] = [];
  const tags: string[] = [];
  const notes: string[] = [];
  const extra: (readonly [string, string])[] = [];
  const groups = new Map<string, Group>();
  let stage: ContactStage | undefined;
  let contactType: ContactType | undefined;
  let leadSource: string | undefined;
  let followUp: string | undefined;

  const setStage = (value: string, label: string) => {
    const found = stageOf(value);
    if (found !== null) stage = found;
    else extra.push([label, value]);
  };
  const setType = (value: string, label: string) => {
    const found = contactTypeOf(value);
    if (found !== null) contactType = found;
    else extra.push([label, value]);
  };
  const setFollowUp = (value: string, label: string) => {
    const day = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(value)?.[1];
    if (day !== undefined) followUp = day;
    else extra.push([label, value]);
  };

  for (let column = 0; column < row.length; column++) {
    const raw = row[column] ?? '';
    const value = (isFieldbook ? unneutralise(raw) : raw).trim();
    if (value === '') continue;
    const role: ColumnRole = mapping[column] ?? { kind: 'extra', label: headers[column] ?? `Column ${column + 1}` };
    const header = headers[column] ?? `Column ${column + 1}`;
    switch (role.kind) {
      case 'first_name':
        first ||= value;
        break;
      case 'middle_name':
        middle ||= value;
        break;
      case 'last_name':
        last ||= value;
        break;
      case 'full_name':
        full ||= value;
        break;
      case 'organization':
        organization ||= value;
        break;
      case 'phone':
        for (const part of splitValues(value)) phones.push({ point: { label: role.label, value: part }, primary: false });
        break;
      case 'email':
        for (const part of splitValues(value)) emails.push({ point: { label: role.label, value: part }, primary: false });
        break;
      case 'group_label':
      case 'group_value': {
        const key = `${role.field} ${role.group}`;
        const group = groups.get(key) ?? { label: '', values: [] };
        if (role.kind === 'group_label') group.label = value;
        else group.values.push(value);
        groups.set(key, group);
        break;
      }
      case 'tags':
        tags.push(...splitTags(value, role.separator));
        break;
      case 'notes':
        notes.push(value);
        break;
      case 'lead_source':
        leadSource ??= value;
        break;
      case 'stage':
        setStage(value, header);
        break;
      case 'contact_type':
        setType(value, header);
        break;
      case 'next_follow_up_on':
        setFollowUp(value, header);
        break;
      case 'extra':
        if (!/^[0./\-\s]+$/.test(value)) extra.push([role.label, value]); // Outlook writes "0/0/00" for no birthday
        break;
      case 'ignore':
        break;
    }
  }

  for (const [key, group] of groups) {
    if (group.values.length === 0) continue;
    const field = key.slice(0, key.lastIndexOf(' ')) as GroupField;
    const starred = group.label.startsWith('* ');
    const label = starred ? group.label.slice(2).trim() : group.label;
    for (const value of group.values) {
      if (field === 'phone' || field === 'email') {
        const list = field === 'phone' ? phones : emails;
        for (const part of splitValues(value)) list.push({ point: { label: googleLabel(label), value: part }, primary: starred });
      } else if (field === 'custom') {
        const name = label.toLowerCase();
        if (name === FIELDBOOK_CUSTOM_FIELDS.stage.toLowerCase()) setStage(value, label);
        else if (name === FIELDBOOK_CUSTOM_FIELDS.contact_type.toLowerCase()) setType(value, label);
        else if (name === FIELDBOOK_CUSTOM_FIELDS.lead_source.toLowerCase()) leadSource = value;
        else if (name === FIELDBOOK_CUSTOM_FIELDS.next_follow_up_on.toLowerCase()) setFollowUp(value, label);
        else extra.push([label === '' ? 'Custom field' : label, value]);
      } else if (field === 'event' || field === 'relation') {
        extra.push([label === '' ? (field === 'event' ? 'Event' : 'Relation') : label, value]);
      } else {
        const name = { address: 'Address', website: 'Website', im: 'IM' }[field];
        extra.push([label === '' ? name : `${name} (${googleLabel(label)})`, value]);
      }
    }
  }

  if (first === '' && last === '' && full !== '') {
    const space = full.replace(/\s+/g, ' ').indexOf(' ');
    const collapsed = full.replace(/\s+/g, ' ');
    first = space === -1 ? collapsed : collapsed.slice(0, space);
    last = space === -1 ? '' : collapsed.slice(space + 1);
  }
  if (middle !== '') first = first === '' ? middle : `${first} ${middle}`;

  const ordered = (list: readonly { point: ContactPoint; primary: boolean }[]) => [...list.filter((p) => p.primary), ...list.filter((p) => !p.primary)].map((p) => p.point);
  return {
    line,
    first_name: first,
    last_name: last,
    organization,
    phones: ordered(phones),
    emails: ordered(emails),
    tags,
    notes: notes.join('\n'),
    extra,
    ...(stage === undefined ? {} : { stage }),
    ...(contactType === undefined ? {} : { contact_type: contactType }),
    ...(leadSource === undefined ? {} : { lead_source: leadSource }),
    ...(followUp === undefined ? {} : { next_follow_up_on: followUp }),
  };
}

/** Google puts several values sharing one label in one cell, joined with " ::: ". */
function splitValues(value: string): string[] {
  return value.includes(':::') ? value.split(':::').map((part) => part.trim()).filter((part) => part !== '') : [value];
}

/**
 * Tags from a labels cell. Google's system labels start with "* ": "* myContacts" (every contact
 * has it) is dropped; "* starred" becomes the tag "starred", because a star is something the person
 * chose; others ("* friends" in the older export) lose the star.
 */
function splitTags(value: string, separator: ':::' | ';' | 'auto'): string[] {
  const parts = separator === ':::' || (separator === 'auto' && value.includes(':::')) ? value.split(':::') : separator === ';' ? value.split(';') : value.split(/[;,]/);
  return parts.flatMap((part) => {
    const tag = part.trim();
    if (tag === '') return [];
    if (!tag.startsWith('* ')) return [tag];
    const system = tag.slice(2).trim();
    return /^my ?contacts$/i.test(system) || system === '' ? [] : [system];
  });
}

/** Google's and Outlook's built-in labels in our words; the person's own text as it is. */
function googleLabel(label: string): string {
  const lower = label.trim().toLowerCase();
  if (lower === 'mobile' || lower === 'home' || lower === 'work' || lower === 'other') return lower;
  return label.trim() === '' ? 'other' : label.trim();
}

/*
 * HubSpot lifecycle stages in our stages: subscriber, lead and marketing-qualified lead are people
 * not yet spoken to ('new'); a sales-qualified lead has been contacted; an opportunity has seen the
 * offer ('presented'); customers and evangelists are customers. "Other" says nothing: no stage, and
 * the value is kept in the notes.
 */
const LIFECYCLE_STAGES: Readonly<Record<string, ContactStage>> = {
  subscriber: 'new',
  lead: 'new',
  marketingqualifiedlead: 'new',
  salesqualifiedlead: 'contacted',
  opportunity: 'presented',
  customer: 'customer',
  evangelist: 'customer',
};

const squash = (value: string) => value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');

function stageOf(value: string): ContactStage | null {
  const key = squash(value);
  for (const stage of CONTACT_STAGES) if (squash(stage) === key || squash(STAGE_LABELS[stage]) === key) return stage;
  return LIFECYCLE_STAGES[key] ?? null;
}

function contactTypeOf(value: string): ContactType | null {
  const key = squash(value);
  for (const type of CONTACT_TYPES) if (key === type || key === `${type}path`) return type;
  return null;
}
