// Generates src/adapters/supabase/database.types.ts from the migrated schema, in the shape
// `supabase gen types typescript` produces. `npm run gen:types` writes the file; the drift test in
// tests/supabase/database-types.test.ts regenerates it in memory and fails when the two differ.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TYPES_PATH = join(ROOT, 'src', 'adapters', 'supabase', 'database.types.ts');

const TS_TYPES = {
  uuid: 'string', text: 'string', date: 'string', timestamptz: 'string', timestamp: 'string', xid8: 'string', varchar: 'string',
  int2: 'number', int4: 'number', int8: 'number', float4: 'number', float8: 'number', numeric: 'number',
  bool: 'boolean', jsonb: 'Json', json: 'Json',
};

const tsType = (udt) => (udt.startsWith('_') ? `${tsType(udt.slice(1))}[]` : (TS_TYPES[udt] ?? 'unknown'));

/** query(sql) → rows; works with PGlite and node-postgres alike. */
export async function generateTypes(query) {
  const columns = await query(`
    select c.table_name, c.column_name, c.udt_name, c.is_nullable = 'YES' as nullable,
           (c.column_default is not null or c.is_identity = 'YES' or c.is_generated = 'ALWAYS') as has_default,
           c.is_generated = 'ALWAYS' as generated
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public'
    order by c.table_name, c.column_name`);
  const relationships = await query(`
    select con.conname as name, src.relname as table_name, dst.relname as referenced,
           array(select a.attname::text from unnest(con.conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o) as columns,
           array(select a.attname::text from unnest(con.confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.o) as referenced_columns,
           exists (select 1 from pg_index i where i.indrelid = con.conrelid and i.indisunique and i.indkey::int2[] @> con.conkey and array_length(i.indkey::int2[], 1) = array_length(con.conkey, 1)) as one_to_one
    from pg_constraint con
    join pg_class src on src.oid = con.conrelid
    join pg_class dst on dst.oid = con.confrelid
    where con.contype = 'f' and src.relnamespace = 'public'::regnamespace and dst.relnamespace = 'public'::regnamespace
    order by src.relname, con.conname`);
  const functions = await query(`
    select p.proname as name, pg_get_function_arguments(p.oid) as args, format_type(p.prorettype, null) as returns
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prokind = 'f' and format_type(p.prorettype, null) <> 'trigger'
      and has_function_privilege('authenticated', p.oid, 'execute')
    order by p.proname`);

  const tables = new Map();
  for (const column of columns) {
    if (!tables.has(column.table_name)) tables.set(column.table_name, []);
    tables.get(column.table_name).push(column);
  }
  const pad = (n) => ' '.repeat(n);
  const field = (column, mode) => {
    const type = tsType(column.udt_name) + (column.nullable ? ' | null' : '');
    const optional = mode === 'Update' || (mode === 'Insert' && (column.nullable || column.has_default));
    return `${pad(10)}${column.column_name}${optional ? '?' : ''}: ${type}`;
  };
  const tableBlocks = [...tables.entries()].map(([name, cols]) => {
    const rels = relationships.filter((r) => r.table_name === name);
    const relText = rels.length === 0
      ? '[]'
      : `[\n${rels.map((r) => `${pad(10)}{\n${pad(12)}foreignKeyName: "${r.name}"\n${pad(12)}columns: [${r.columns.map((c) => `"${c}"`).join(', ')}]\n${pad(12)}isOneToOne: ${r.one_to_one}\n${pad(12)}referencedRelation: "${r.referenced}"\n${pad(12)}referencedColumns: [${r.referenced_columns.map((c) => `"${c}"`).join(', ')}]\n${pad(10)}},`).join('\n')}\n${pad(8)}]`;
    const writable = (mode) => cols.filter((c) => mode === 'Row' || !c.generated);
    const block = (mode) => `${pad(8)}${mode}: {\n${writable(mode).map((c) => field(c, mode)).join('\n')}\n${pad(8)}}`;
    return `${pad(6)}${name}: {\n${block('Row')}\n${block('Insert')}\n${block('Update')}\n${pad(8)}Relationships: ${relText}\n${pad(6)}}`;
  });
  const argType = (type) => (type === 'jsonb' || type === 'json' ? 'Json' : type === 'integer' ? 'number' : type === 'uuid' || type === 'text' ? 'string' : 'unknown');
  const fnBlocks = functions.map((f) => {
    const args = f.args
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .map((a) => {
        const [argName, type] = a.split(/\s+/);
        return `${argName}${/default/i.test(a) ? '?' : ''}: ${argType(type)}`;
      });
    return `${pad(6)}${f.name}: {\n${pad(8)}Args: ${args.length === 0 ? 'never' : `{ ${args.join('; ')} }`}\n${pad(8)}Returns: ${argType(f.returns)}\n${pad(6)}}`;
  });

  return `// Generated by supabase/local/gen-types.mjs from supabase/migrations (npm run gen:types); do not edit.
// Same shape as \`supabase gen types typescript\`; tests/supabase/database-types.test.ts fails on drift.

export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  public: {
    Tables: {
${tableBlocks.join('\n')}
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
${fnBlocks.join('\n')}
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type PublicSchema = Database['public']

export type Tables<T extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][T]['Row']
export type TablesInsert<T extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][T]['Insert']
export type TablesUpdate<T extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][T]['Update']
`;
}

/** Builds the schema in a fresh PGlite: bootstrap.sql, then each migration as the migration role, as the stack does. */
async function migratedPglite() {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  await db.exec(readFileSync(join(ROOT, 'supabase', 'local', 'bootstrap.sql'), 'utf8'));
  const { rows } = await db.query('select supabase_local.migration_role() as role');
  const migrations = readdirSync(join(ROOT, 'supabase', 'migrations')).filter((f) => f.endsWith('.sql')).sort();
  for (const file of migrations) {
    await db.transaction(async (tx) => {
      await tx.query(`select set_config('role', $1, true)`, [rows[0].role]);
      await tx.exec(readFileSync(join(ROOT, 'supabase', 'migrations', file), 'utf8'));
    });
  }
  return db;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const db = await migratedPglite();
  writeFileSync(TYPES_PATH, await generateTypes(async (sql) => (await db.query(sql)).rows));
  await db.close();
  console.log(`Wrote ${TYPES_PATH}`);
}
