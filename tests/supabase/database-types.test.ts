import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { generateTypes, TYPES_PATH } from '../../supabase/local/gen-types.mjs';
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
});
