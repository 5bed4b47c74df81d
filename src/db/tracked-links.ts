import { contactFullName, type Contact } from '../domain/contact';
import { makeLinkCode, newLinkKey, type LinkKeyMaterial } from '../domain/link-code';
import type { ActivityMetadata, ActivityType } from '../domain/member-activity';
import { rewriteUrls, trackableUrls, trackedLinkAddress } from '../domain/tracked-message';
import { err, ok, type Result } from '../shared/result';
import type { CommitError, RowChange, WriteContext } from './commit-changes';
import type { FieldbookDb } from './fieldbook-db';
import type { LinkTracking, SentMessage, TrackedBody } from './local-store';
import { toStorageError } from './storage-error';

/*
 * Sending for the local store: recording a sent message with its tracked links, the member's link
 * key, and the codes of tracked links. Loaded on first use, so the signing code is not part of the
 * app's first load.
 */

type Commit = (changes: RowChange[]) => Promise<Result<void, CommitError>>;
type Activity = (type: ActivityType, contactId: string | null, metadata: ActivityMetadata) => RowChange;

export function createSending(db: FieldbookDb, ctx: WriteContext, commit: Commit, loadContact: (id: string) => Promise<Result<Contact, CommitError>>, activity: Activity) {
  const nowIso = () => new Date(ctx.now()).toISOString();

  // The member's oldest live key on this device, or a new one made through the normal write path
  // (offline too). Another tab or device making its own at the same time is harmless: any key works.
  const findOrMakeKey = async (): Promise<Result<LinkKeyMaterial, CommitError>> => {
    try {
      const keys = (await db.link_keys.toArray()).filter((key) => key.deleted_at === null);
      keys.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
      if (keys[0]) return ok(keys[0]);
    } catch (error) {
      return err(toStorageError(error));
    }
    const key = await newLinkKey((length) => crypto.getRandomValues(new Uint8Array(length)));
    const result = await commit([{ table: 'link_keys', op: 'insert', id: ctx.newId(), fields: { key_id: key.key_id, secret: key.secret } }]);
    return result.ok ? ok(key) : result;
  };
  // One request at a time in this tab, so two quick sends never make two keys.
  let keyInFlight: Promise<Result<LinkKeyMaterial, CommitError>> | null = null;

  return {
    ensureLinkKey: () => (keyInFlight ??= findOrMakeKey().finally(() => (keyInFlight = null))),

    /**
     * The body with each trackable URL (http(s), not the app's own) replaced by a tracked link unique to
     * this send and that URL: a new link id and a code signed with the member's key. A URL written twice
     * is one link. Nothing is written but the key (if none existed); the links go with the send.
     */
    async prepareTrackedBody(body: string, tracking: LinkTracking): Promise<Result<TrackedBody, CommitError>> {
      const urls = trackableUrls(body, [...tracking.ownOrigins, tracking.redirectBase]);
      if (urls.length === 0) return ok({ body, links: [] });
      const key = await this.ensureLinkKey();
      if (!key.ok) return key;
      const links = urls.map((url) => ({ id: ctx.newId(), url }));
      const codes = new Map(await Promise.all(links.map(async (link) => [link.url, trackedLinkAddress(tracking.redirectBase, await makeLinkCode(key.value, link.id, link.url))] as const)));
      return ok({ body: rewriteUrls(body, (url) => codes.get(url)), links });
    },

    /**
     * A message handed to the mail, SMS or WhatsApp app: the sent message first, then its tracked links
     * (which refer to it), the contact's last touch and, for email, the feed activity (texts and WhatsApp
     * get theirs from the outcome sheet), in one commit: it works offline and is never half-recorded.
     */
    async recordSent(message: SentMessage): Promise<Result<string, CommitError>> {
      const current = await loadContact(message.contactId);
      if (!current.ok) return current;
      const sentId = ctx.newId();
      const now = nowIso();
      const changes: RowChange[] = [
        {
          table: 'sent_emails',
          op: 'insert',
          id: sentId,
          fields: { contact_id: message.contactId, template_id: message.template?.id ?? null, to_email: message.to, subject: message.subject, body: message.body, status: 'handed_off', channel: message.channel, sent_at: now },
        },
        ...message.links.map((link): RowChange => ({ table: 'tracked_links', op: 'insert', id: link.id, fields: { sent_email_id: sentId, url: link.url } })),
        { table: 'contacts', op: 'update', id: message.contactId, fields: { last_touched_at: now } },
      ];
      if (message.channel === 'email') {
        const metadata: ActivityMetadata = { contact_name: contactFullName(current.value), from_stage: current.value.stage };
        if (message.template) metadata.template_name = message.template.name;
        else if (message.subject) metadata.subject = message.subject.slice(0, 200);
        changes.push(activity('email_sent', message.contactId, metadata));
      }
      const result = await commit(changes);
      return result.ok ? ok(sentId) : result;
    },
  };
}
