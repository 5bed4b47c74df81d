import type { ClickKind } from './email-click';

/*
 * The rows that engagement is computed from, reduced to what the rules read. A click names its link
 * (always, from the code) and its sent message (once the link's row reached the server), so a click is
 * matched to its send through either.
 */

export type EngagementSend = {
  readonly id: string;
  readonly contact_id: string | null;
  readonly template_id: string | null;
  readonly sent_at: string;
  readonly deleted_at: string | null;
};
export type EngagementLink = { readonly id: string; readonly sent_email_id: string | null; readonly url: string };
export type EngagementClick = {
  readonly id: string;
  readonly sent_email_id: string | null;
  readonly link_id: string | null;
  readonly url: string;
  readonly clicked_at: string;
  readonly kind: ClickKind;
  readonly deleted_at: string | null;
};

/** The sent message a click belongs to: its own field, else its link's. */
export function sendOfClick(click: Pick<EngagementClick, 'sent_email_id' | 'link_id'>, links: ReadonlyMap<string, EngagementLink>): string | null {
  if (click.sent_email_id !== null) return click.sent_email_id;
  return click.link_id === null ? null : (links.get(click.link_id)?.sent_email_id ?? null);
}

/** Whether a click is a person's, and not retracted. */
export const isPersonClick = (click: Pick<EngagementClick, 'kind' | 'deleted_at'>): boolean => click.kind === 'person' && click.deleted_at === null;

export const byId = <T extends { readonly id: string }>(rows: readonly T[]): Map<string, T> => new Map(rows.map((row) => [row.id, row]));
