import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { z } from 'zod';
import { contactInputSchema } from '../../src/domain/contact-schema';
import { emailTemplateInputSchema } from '../../src/domain/email-template-schema';
import { formatHlc } from '../../src/domain/hlc';
import { LIMITS } from '../../src/domain/limits';
import { memberProfileInputSchema } from '../../src/domain/member-profile';
import { createSchemaDb, createUser, mutation, push } from '../support/schema-db';

/*
 * One source of limits (src/domain/limits.ts): every boundary value goes to the client's zod schema
 * and to the server's constraints through sync_push. Just inside the limit both accept; just outside
 * both refuse, with the same words. A limit changed on one side only fails here.
 */

let db: PGlite;
let member: string;
beforeAll(async () => {
  db = await createSchemaDb({ seed: false });
  member = await createUser(db, 'limits@example.com');
}, 60_000);
afterAll(async () => db?.close());

type Probe = { readonly field: string; readonly value: unknown; readonly ok?: true };
type Subject = { readonly table: string; readonly schema: z.ZodType; readonly base: Record<string, unknown>; readonly update?: true; readonly probes: readonly Probe[] };

const x = (n: number) => 'x'.repeat(n);
const { contact, template, profile, years } = LIMITS;

const subjects: readonly Subject[] = [
  {
    table: 'contacts',
    schema: contactInputSchema,
    base: { first_name: 'Ana' },
    probes: [
      { field: 'first_name', value: '' },
      { field: 'first_name', value: x(contact.name), ok: true },
      { field: 'first_name', value: x(contact.name + 1) },
      { field: 'last_name', value: x(contact.name), ok: true },
      { field: 'last_name', value: x(contact.name + 1) },
      { field: 'phone', value: '1'.repeat(contact.phone), ok: true },
      { field: 'phone', value: '1'.repeat(contact.phone + 1) },
      { field: 'phone', value: '555 01a 0199' },
      { field: 'phone', value: '1'.repeat(contact.phoneMinDigits), ok: true },
      // Numbers pasted from web pages carry no-break spaces: the client sends plain ones.
      { field: 'phone', value: '555\u00a0010\u00a00199', ok: true },
      { field: 'phone', value: '+33\u202f6\u202f12\u202f34\u202f56\u202f78', ok: true },
      { field: 'phone', value: '555\t010\n0199', ok: true },
      { field: 'phone', value: '1'.repeat(contact.phoneMinDigits - 1) },
      { field: 'email', value: 'name@example' },
      { field: 'email', value: `${x(contact.email - 12)}@example.com`, ok: true },
      { field: 'email', value: `${x(contact.email - 11)}@example.com` },
      { field: 'stage', value: 'hot' },
      { field: 'contact_type', value: 'partner' },
      { field: 'lead_source', value: x(contact.lead_source), ok: true },
      { field: 'lead_source', value: x(contact.lead_source + 1) },
      { field: 'tags', value: Array.from({ length: contact.tags }, (_, i) => `t${i}`), ok: true },
      { field: 'tags', value: Array.from({ length: contact.tags + 1 }, (_, i) => `t${i}`) },
      { field: 'tags', value: [x(contact.tag)], ok: true },
      { field: 'tags', value: [x(contact.tag + 1)] },
      { field: 'tags', value: [''] },
      { field: 'notes', value: x(contact.notes), ok: true },
      { field: 'notes', value: x(contact.notes + 1) },
      { field: 'next_follow_up_on', value: `${years.min}-01-01`, ok: true },
      { field: 'next_follow_up_on', value: `${years.min - 1}-12-31` },
      { field: 'next_follow_up_on', value: `${years.max}-12-31`, ok: true },
    ],
  },
  {
    table: 'email_templates',
    schema: emailTemplateInputSchema,
    base: { name: 'Welcome', body: 'Hi {{first_name}}' },
    probes: [
      { field: 'name', value: ' ' },
      { field: 'name', value: x(template.name), ok: true },
      { field: 'name', value: x(template.name + 1) },
      { field: 'subject', value: x(template.subject), ok: true },
      { field: 'subject', value: x(template.subject + 1) },
      { field: 'body', value: '' },
      { field: 'body', value: x(template.body), ok: true },
      { field: 'body', value: x(template.body + 1) },
      { field: 'channel', value: 'fax' },
    ],
  },
  {
    table: 'member_profiles',
    schema: memberProfileInputSchema,
    base: {},
    update: true,
    probes: [
      { field: 'full_name', value: x(profile.full_name), ok: true },
      { field: 'full_name', value: x(profile.full_name + 1) },
      { field: 'company', value: x(profile.company + 1) },
      { field: 'phone', value: '12' },
      { field: 'phone', value: '+44 (20) 7946-0958', ok: true },
      { field: 'timezone', value: 'America/Argentina/Buenos_Aires', ok: true },
      { field: 'timezone', value: 'Not a zone!' },
      { field: 'timezone', value: `Europe/${x(profile.timezone)}` },
    ],
  },
];

let counter = 0;
// Newer than the stamps the sign-up trigger gave the profile, so updates are really tried.
const stamp = () => formatHlc({ physical: Date.now() + 5000, counter: (counter += 1), node: 'limits' });

for (const subject of subjects) {
  describe(`[SV6] limits of ${subject.table}: the client and the server agree`, () => {
    for (const probe of subject.probes) {
      const shown = JSON.stringify(probe.value).slice(0, 40);
      it(`${probe.field} = ${shown}${JSON.stringify(probe.value).length > 40 ? '…' : ''} is ${probe.ok ? 'accepted' : 'refused'} by both, in the same words`, async () => {
        const parsed = subject.schema.safeParse({ ...subject.base, [probe.field]: probe.value });
        const client = parsed.success ? null : (parsed.error.issues.find((issue) => issue.path[0] === probe.field)?.message ?? parsed.error.issues[0]?.message);
        // What the client would send: its parsed value when it accepts, what was typed when it refuses.
        const sent = parsed.success ? (parsed.data as Record<string, unknown>)[probe.field] : probe.value;
        const id = subject.update ? member : crypto.randomUUID();
        const result = await push(db, member, [mutation(subject.table, id, { ...subject.base, [probe.field]: sent }, stamp(), subject.update ? 'update' : 'insert')]);
        const server = result.results[0]?.status === 'rejected' ? (result.results[0].reason ?? '') : null;
        expect({ client, server }).toEqual(probe.ok ? { client: null, server: null } : { client: expect.any(String) as unknown, server: client });
      });
    }
  });
}

describe('limits held outside the database', () => {
  it('the password rule is the one configured for Supabase Auth', () => {
    const config = readFileSync(join(import.meta.dirname, '..', '..', 'supabase', 'config.toml'), 'utf8');
    expect(Number(/^minimum_password_length\s*=\s*(\d+)/m.exec(config)?.[1])).toBe(LIMITS.password.min);
  });
});
