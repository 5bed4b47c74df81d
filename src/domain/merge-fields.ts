/*
 * Merge fields: `{{first_name}}`, with an optional fallback `{{first_name|there}}` for empty values and
 * `\{{` for a literal brace pair. Values are inserted as plain text: the result is never HTML, links
 * encode it with encodeURIComponent, and the UI renders it as a text node.
 */

export const MERGE_FIELDS = ['first_name', 'last_name', 'full_name', 'phone', 'email', 'my_name', 'my_company', 'my_phone'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergeValues = Readonly<Partial<Record<MergeField, string>>>;

const TOKEN = /\\\{\{|\{\{\s*([a-zA-Z_]+)\s*(?:\|([^}]*))?\}\}/g;

const isMergeField = (name: string): name is MergeField => (MERGE_FIELDS as readonly string[]).includes(name);

export function renderMergeFields(template: string, values: MergeValues): string {
  return template.replace(TOKEN, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '{{';
    if (!isMergeField(name)) return match;
    const value = values[name]?.trim() ?? '';
    return value !== '' ? value : (fallback?.trim() ?? '');
  });
}

/** Field names used in a template that no contact can fill: shown as a form error. */
export function listUnknownMergeFields(template: string): string[] {
  const unknown = new Set<string>();
  for (const match of template.matchAll(TOKEN)) {
    const name = match[1];
    if (name !== undefined && !isMergeField(name)) unknown.add(name);
  }
  return [...unknown];
}

export type MergeSource = {
  readonly contact: { first_name: string; last_name: string; phone: string; email: string } | null;
  readonly profile: { full_name: string; company: string; phone: string } | null;
};

export function mergeValuesFor({ contact, profile }: MergeSource): MergeValues {
  return {
    first_name: contact?.first_name ?? '',
    last_name: contact?.last_name ?? '',
    full_name: contact ? [contact.first_name, contact.last_name].filter(Boolean).join(' ') : '',
    phone: contact?.phone ?? '',
    email: contact?.email ?? '',
    my_name: profile?.full_name ?? '',
    my_company: profile?.company ?? '',
    my_phone: profile?.phone ?? '',
  };
}
