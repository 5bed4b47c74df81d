import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { generateTypes, TYPES_PATH } from '../../supabase/local/gen-types.mjs';
import { contactSchema } from '../../src/domain/contact-schema';
import { emailClickSchema } from '../../src/domain/email-click';
import { emailTemplateSchema } from '../../src/domain/email-template-schema';
import { memberActivitySchema } from '../../src/domain/member-activity-schema';
import { memberProfileSchema } from '../../src/domain/member-profile';
import { sentEmailSchema } from '../../src/domain/sent-email';
import { createSchemaDb } from '../support/schema-db';

let db: PGlite;
beforeAll(async () => {
  db = await createSchemaDb({ seed: false });
}, 60_000);
afterAll(async () => db?.close());

describe('database types', () => {
  it('src/adapters/supabase/database.types.ts matches the migrated schema (run `npm run gen:types` after a migration)', async () => {
    const generated = await generateTypes(async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows);
    expect(readFileSync(TYPES_PATH, 'utf8')).toBe(generated);
  });

  it('the client schemas use exactly the table columns (the server-only sync_xid aside)', async () => {
    const clientSchemas = {
      contacts: contactSchema,
      member_activities: memberActivitySchema,
      email_templates: emailTemplateSchema,
      sent_emails: sentEmailSchema,
      email_clicks: emailClickSchema,
      member_profiles: memberProfileSchema,
    };
    for (const [table, schema] of Object.entries(clientSchemas)) {
      const { rows } = await db.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and column_name <> 'sync_xid' order by column_name`,
        [table],
      );
      expect(Object.keys(schema.shape).sort(), table).toEqual(rows.map((row) => row.column_name));
    }
  });
});
