import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLinkKey } from '../../src/domain/link-code';
import { ANON, member, SERVICE, type Who } from '../support/schema-db';

const keyPair = async () => {
  const key = await newLinkKey((length) => crypto.getRandomValues(new Uint8Array(length)));
  return [key.key_id, key.secret];
};
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * Tracked links in the database (migrations 20261129000100 and 20261129000200), on PGlite and on
 * PostgreSQL 15: clicks the redirect stores with the service role find their sent message whichever
 * arrives first, a person's click on a known send becomes one 'link_opened' activity, previews and
 * scanners never do, and only the member who sent a link sees or changes its key, row and clicks.
 */

const randomToken = (length: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(length))).toString('base64url').slice(0, length);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of sqlBackends()) {
  describe(`tracked links on ${backend.name}`, () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    const as = <T = Record<string, unknown>,>(who: Who, sql: string, params: unknown[] = []) => db.as(who, (query) => query<T>(sql, params));

    /** A contact, a template and a message sent to the contact, as the member's device writes them. */
    const sentMessage = async (sub: string, name = 'Jane') => {
      const contact = crypto.randomUUID();
      const template = crypto.randomUUID();
      const sent = crypto.randomUUID();
      await as(member(sub), `insert into public.contacts (id, first_name, last_name) values ($1, $2, 'Doe')`, [contact, name]);
      await as(member(sub), `insert into public.email_templates (id, name, body) values ($1, 'Starter kit video', 'Hi {{first_name}}, https://example.com/kit')`, [template]);
      await as(member(sub), `insert into public.sent_emails (id, contact_id, template_id, to_email, channel) values ($1, $2, $3, 'jane@example.com', 'whatsapp')`, [sent, contact, template]);
      return { contact, template, sent };
    };
    const link = (sub: string, id: string, sent: string | null, url = 'https://example.com/kit') =>
      as(member(sub), `insert into public.tracked_links (id, sent_email_id, url) values ($1, $2, $3)`, [id, sent, url]);
    /** A click as the redirect stores it: service role, no sent message. */
    const click = async (owner: string, linkId: string, kind = 'person', reason = '', url = 'https://example.com/kit') => {
      const id = crypto.randomUUID();
      await as(SERVICE, `insert into public.email_clicks (id, member_id, link_id, url, kind, reason, network) values ($1, $2, $3, $4, $5, $6, 'abcdefghijklmnop')`, [
        id, owner, linkId, url, kind, reason,
      ]);
      return id;
    };
    const clickRow = async (id: string) => (await db.query<{ sent_email_id: string | null; kind: string; deleted_at: string | null }>(`select sent_email_id, kind, deleted_at from public.email_clicks where id = $1`, [id]))[0];
    const opened = (sub: string) =>
      db.query<{ id: string; contact_id: string | null; metadata: Record<string, string>; occurred_at: string }>(
        `select id, contact_id, metadata, occurred_at from public.member_activities where member_id = $1 and activity_type = 'link_opened' order by occurred_at`,
        [sub],
      );

    it('a click on a link already known gets its sent message and one link_opened activity, named after the contact and template', async () => {
      const sub = await db.createUser();
      const { contact, sent } = await sentMessage(sub);
      const linkId = crypto.randomUUID();
      await link(sub, linkId, sent);
      const id = await click(sub, linkId);
      expect(await clickRow(id)).toMatchObject({ sent_email_id: sent, kind: 'person' });
      const activities = await opened(sub);
      expect(activities).toHaveLength(1);
      expect(activities[0]).toMatchObject({ id, contact_id: contact, metadata: { contact_name: 'Jane Doe', template_name: 'Starter kit video', url: 'https://example.com/kit' } });
    });

    it('a click before its link (an offline send) is attached when the link arrives, and then becomes the activity', async () => {
      const sub = await db.createUser();
      const { sent } = await sentMessage(sub);
      const linkId = crypto.randomUUID();
      const first = await click(sub, linkId);
      const preview = await click(sub, linkId, 'preview', 'WhatsApp preview');
      expect(await clickRow(first)).toMatchObject({ sent_email_id: null });
      expect(await opened(sub)).toEqual([]);

      await link(sub, linkId, sent);
      expect(await clickRow(first)).toMatchObject({ sent_email_id: sent });
      expect(await clickRow(preview)).toMatchObject({ sent_email_id: sent });
      expect((await opened(sub)).map((a) => a.id)).toEqual([first]);
    });

    it('a link row first without its send, then given it: the clicks follow', async () => {
      const sub = await db.createUser();
      const { sent } = await sentMessage(sub);
      const linkId = crypto.randomUUID();
      await link(sub, linkId, null);
      const id = await click(sub, linkId);
      expect(await clickRow(id)).toMatchObject({ sent_email_id: null });
      await as(member(sub), `update public.tracked_links set sent_email_id = $2 where id = $1`, [linkId, sent]);
      expect(await clickRow(id)).toMatchObject({ sent_email_id: sent });
      expect(await opened(sub)).toHaveLength(1);
    });

    it('one activity per click however often its sent message is set', async () => {
      const sub = await db.createUser();
      const { sent } = await sentMessage(sub);
      const linkId = crypto.randomUUID();
      const id = await click(sub, linkId);
      await link(sub, linkId, sent);
      await as(SERVICE, `update public.email_clicks set sent_email_id = $2 where id = $1`, [id, sent]);
      await as(member(sub), `update public.email_clicks set sent_email_id = null where id = $1`, [id]);
      await as(member(sub), `update public.email_clicks set sent_email_id = $2 where id = $1`, [id, sent]);
      await as(member(sub), `update public.tracked_links set url = 'https://example.com/kit?again' where id = $1`, [linkId]);
      expect((await opened(sub)).map((a) => a.id)).toEqual([id]);
    });

    it('previews and scanners never become activities', async () => {
      const sub = await db.createUser();
      const { sent } = await sentMessage(sub);
      const linkId = crypto.randomUUID();
      await link(sub, linkId, sent);
      await click(sub, linkId, 'preview', 'iMessage preview');
      await click(sub, linkId, 'scanner', 'HEAD request');
      const early = crypto.randomUUID();
      await click(sub, early, 'scanner', 'Microsoft Safe Links');
      await link(sub, early, sent);
      expect(await opened(sub)).toEqual([]);
      expect((await db.query<{ n: number }>(`select count(*)::int as n from public.email_clicks where member_id = $1 and sent_email_id = $2`, [sub, sent]))[0]!.n).toBe(3);
    });

    it('a click whose contact was deleted since still counts for the template and does not bring the contact back', async () => {
      const sub = await db.createUser();
      const { contact, template, sent } = await sentMessage(sub);
      const linkId = crypto.randomUUID();
      await link(sub, linkId, sent);
      await as(member(sub), `update public.contacts set deleted_at = now() where id = $1`, [contact]);
      const id = await click(sub, linkId);
      expect(await clickRow(id)).toMatchObject({ sent_email_id: sent, kind: 'person' });
      const [counted] = await as<{ n: number }>(
        member(sub),
        `select count(*)::int as n from public.email_clicks c join public.sent_emails s on s.id = c.sent_email_id where s.template_id = $1 and c.kind = 'person'`,
        [template],
      );
      expect(counted!.n).toBe(1);
      const [after] = await db.query<{ deleted_at: string | null }>(`select deleted_at from public.contacts where id = $1`, [contact]);
      expect(after!.deleted_at).not.toBeNull();

      // Hard-deleted (its message kept, no longer pointing at it): still counts, still gone.
      const other = await sentMessage(sub, 'Gone');
      const otherLink = crypto.randomUUID();
      await link(sub, otherLink, other.sent);
      await as(member(sub), `update public.sent_emails set contact_id = null where id = $1`, [other.sent]);
      await as(member(sub), `delete from public.contacts where id = $1`, [other.contact]);
      const late = await click(sub, otherLink);
      expect(await clickRow(late)).toMatchObject({ sent_email_id: other.sent });
      expect(await db.query(`select 1 from public.contacts where id = $1`, [other.contact])).toEqual([]);
      const activity = (await opened(sub)).find((a) => a.id === late);
      expect(activity?.contact_id ?? null).toBeNull();
    });

    it("another member's link id in a click never attaches to this member's send", async () => {
      const a = await db.createUser();
      const b = await db.createUser();
      const { sent } = await sentMessage(a);
      const linkId = crypto.randomUUID();
      // B makes codes with its own key and A's link id: its clicks are B's and stay apart.
      const bs = await click(b, linkId);
      await link(a, linkId, sent);
      const as_ = await click(a, linkId);
      expect(await clickRow(bs)).toMatchObject({ sent_email_id: null });
      expect(await clickRow(as_)).toMatchObject({ sent_email_id: sent });
      expect(await opened(b)).toEqual([]);
    });

    it('a click and its link committed at the same moment find each other (whichever transaction commits first)', async () => {
      const sub = await db.createUser();
      const { sent } = await sentMessage(sub);
      // The link's transaction stays open while the click is inserted, then commits.
      const first = crypto.randomUUID();
      const linkTx = db.as(member(sub), async (query) => {
        await query(`insert into public.tracked_links (id, sent_email_id, url) values ($1, $2, 'https://example.com/kit')`, [first, sent]);
        await sleep(300);
      });
      await sleep(50);
      const clickId = await click(sub, first);
      await linkTx;
      expect(await clickRow(clickId)).toMatchObject({ sent_email_id: sent });

      // The click's transaction stays open while the link is inserted.
      const second = crypto.randomUUID();
      const secondClick = crypto.randomUUID();
      const clickTx = db.as(SERVICE, async (query) => {
        await query(`insert into public.email_clicks (id, member_id, link_id, url, kind) values ($1, $2, $3, 'https://example.com/kit', 'person')`, [secondClick, sub, second]);
        await sleep(300);
      });
      await sleep(50);
      await link(sub, second, sent);
      await clickTx;
      expect(await clickRow(secondClick)).toMatchObject({ sent_email_id: sent });
      expect((await opened(sub)).map((a) => a.id).sort()).toEqual([clickId, secondClick].sort());
    });

    it('a key id read from a link cannot be registered by anyone without its secret', async () => {
      const sub = await db.createUser();
      const thief = await db.createUser();
      const [keyId, secret] = await keyPair();
      const other = (await keyPair())[1];
      await expect(as(member(thief), `insert into public.link_keys (key_id, secret) values ($1, $2)`, [keyId, other])).rejects.toThrow(/link_keys_key_id_derived/);
      await as(member(sub), `insert into public.link_keys (key_id, secret) values ($1, $2)`, [keyId, secret]);
      const [owner] = await db.query<{ member_id: string }>(`select member_id from public.link_keys where key_id = $1`, [keyId]);
      expect(owner?.member_id).toBe(sub);
    });

    it('a link key never changes once made (not even by the service role); it can be deleted', async () => {
      const sub = await db.createUser();
      const [key] = await as<{ id: string }>(member(sub), `insert into public.link_keys (key_id, secret) values ($1, $2) returning id`, await keyPair());
      for (const who of [member(sub), SERVICE]) {
        await expect(as(who, `update public.link_keys set secret = $2 where id = $1`, [key!.id, randomToken(43)])).rejects.toThrow(/cannot be changed/);
        await expect(as(who, `update public.link_keys set key_id = $2 where id = $1`, [key!.id, randomToken(11)])).rejects.toThrow(/cannot be changed/);
      }
      await as(member(sub), `update public.link_keys set deleted_at = now() where id = $1`, [key!.id]);
      const [row] = await db.query<{ deleted_at: string | null }>(`select deleted_at from public.link_keys where id = $1`, [key!.id]);
      expect(row!.deleted_at).not.toBeNull();
    });

    it('another member and anon can neither read nor change link keys, links or clicks', async () => {
      const a = await db.createUser();
      const b = await db.createUser();
      const { sent } = await sentMessage(a);
      const [key] = await as<{ id: string }>(member(a), `insert into public.link_keys (key_id, secret) values ($1, $2) returning id`, await keyPair());
      const linkId = crypto.randomUUID();
      await link(a, linkId, sent);
      const clickId = await click(a, linkId);
      const rows = { link_keys: key!.id, tracked_links: linkId, email_clicks: clickId };

      for (const [table, id] of Object.entries(rows)) {
        expect(await as(member(b), `select * from public.${table} where id = $1`, [id])).toEqual([]);
        expect(await as(member(b), `update public.${table} set deleted_at = now() where id = $1 returning id`, [id])).toEqual([]);
        expect(await as(member(b), `delete from public.${table} where id = $1 returning id`, [id])).toEqual([]);
        await expect(as(ANON, `select * from public.${table} where id = $1`, [id])).rejects.toThrow(/permission denied/);
        await expect(as(ANON, `update public.${table} set deleted_at = now() where id = $1`, [id])).rejects.toThrow(/permission denied/);
        await expect(as(ANON, `delete from public.${table} where id = $1`, [id])).rejects.toThrow(/permission denied/);
        const [still] = await db.query<{ deleted_at: string | null }>(`select deleted_at from public.${table} where id = $1`, [id]);
        expect(still).toEqual({ deleted_at: null });
        expect(await as(member(a), `select id from public.${table} where id = $1`, [id])).toEqual([{ id }]);
      }
      // Nor write rows in A's name.
      await expect(as(member(b), `insert into public.email_clicks (member_id, link_id, url) values ($1, $2, 'https://evil.example/')`, [a, linkId])).rejects.toThrow(/row-level security/);
      await expect(as(member(b), `insert into public.tracked_links (member_id, url) values ($1, 'https://evil.example/')`, [a])).rejects.toThrow(/row-level security/);
      await expect(as(member(b), `insert into public.link_keys (member_id, key_id, secret) values ($1, $2, $3)`, [a, ...(await keyPair())])).rejects.toThrow(/row-level security/);
      await expect(as(ANON, `insert into public.email_clicks (member_id, link_id, url) values ($1, $2, 'https://evil.example/')`, [a, linkId])).rejects.toThrow(/permission denied/);
      // B cannot point its own link at A's send.
      await expect(link(b, crypto.randomUUID(), sent)).rejects.toThrow(/tracked_links_sent_email_same_member|foreign key/);
    });
  });
}
