/*
 * A contact's phone numbers and email addresses: lists of {label, value}, the first one primary. The
 * single `phone` and `email` fields every contact also has always hold the primary value, for the
 * one-number code paths and for REST clients of the database. Both sides keep them in step the same
 * way (the database's triggers accept_single_point and mirror_primary_point):
 * - a write that changes the list sets the single field from its first entry;
 * - a write that changes only the single field changes the first entry of the list (adds it, or with
 *   '' drops it);
 * - a new contact with an empty list and a single value gets that value as its list.
 */

export type ContactPoint = { readonly label: string; readonly value: string };

/** The labels offered in forms; any other text up to 40 characters is a custom label. */
export const POINT_LABELS = ['mobile', 'home', 'work', 'other'] as const;

export const POINT_LABEL_NAMES: Readonly<Record<string, string>> = { mobile: 'Mobile', home: 'Home', work: 'Work', other: 'Other' };

/** How a label reads on screen: the standard ones capitalised, custom ones as written. */
export function pointLabelName(label: string): string {
  return POINT_LABEL_NAMES[label] ?? (label.trim() === '' ? 'Other' : label);
}

/** The list with its first entry's value replaced ('' removes the first entry). */
export function withPrimary(points: readonly ContactPoint[], value: string, label: string): ContactPoint[] {
  if (value === '') return points.slice(1);
  const [first, ...rest] = points;
  return first === undefined ? [{ label, value }] : [{ label: first.label, value }, ...rest];
}

type CurrentPoints = { readonly phones?: readonly ContactPoint[]; readonly emails?: readonly ContactPoint[] };

const KINDS = [
  { list: 'phones', single: 'phone', label: 'mobile' },
  { list: 'emails', single: 'email', label: 'home' },
] as const;

/**
 * The fields of a contact write with the single and list fields in step: `current` is the stored row
 * (undefined for a new contact). Returns a new object; fields not about phones or emails pass through.
 */
export function mirrorContactPoints<T extends Record<string, unknown>>(fields: T, current: CurrentPoints | undefined): T {
  const out: Record<string, unknown> = { ...fields };
  for (const { list, single, label } of KINDS) {
    const listGiven = Array.isArray(out[list]);
    const singleGiven = typeof out[single] === 'string';
    const given = listGiven ? (out[list] as ContactPoint[]) : null;
    if (current === undefined) {
      let points = given ?? [];
      if (points.length === 0 && singleGiven && out[single] !== '') points = withPrimary([], out[single] as string, label);
      out[list] = points;
      out[single] = points[0]?.value ?? '';
    } else if (given !== null && JSON.stringify(given) !== JSON.stringify(current[list] ?? [])) {
      out[single] = given[0]?.value ?? '';
    } else if (singleGiven) {
      out[list] = withPrimary(current[list] ?? [], out[single] as string, label);
    }
  }
  return out as T;
}

/** Every value of a list, primary first, for search and one-tap actions. */
export const pointValues = (points: readonly ContactPoint[]): string[] => points.map((point) => point.value);

/**
 * A contact row with `phone`/`email` set from the first entry of their lists, carrying the lists'
 * stamps (as the database's mirror_primary_point does), so the single field can never drift from the
 * list whichever device wrote what. Rows without lists pass through.
 */
export function alignContactPoints<T extends { readonly field_stamps: Readonly<Record<string, string>> }>(row: T): T {
  const values = row as T & Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  let stamps: Record<string, string> | null = null;
  // Copies only when something is out of line: a page of a first sync is 1,000 rows that all are.
  for (const { list, single } of KINDS) {
    const points = values[list];
    if (!Array.isArray(points)) continue;
    const primary = (points as ContactPoint[])[0]?.value ?? '';
    if (values[single] !== primary) (out ??= { ...values })[single] = primary;
    // A realtime row may come without stamps (the wire schema allows it): then there is nothing to align.
    const held: Readonly<Record<string, string>> = stamps ?? row.field_stamps ?? {};
    const listStamp = held[list];
    if (listStamp !== undefined && held[single] !== listStamp) (stamps ??= { ...row.field_stamps })[single] = listStamp;
  }
  if (out === null && stamps === null) return row;
  return { ...(out ?? row), field_stamps: stamps ?? row.field_stamps } as T;
}
