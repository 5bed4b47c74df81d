import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../supabase/local/server';
import { clientFor } from '../support/local-stack';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe('local stack lifecycle', () => {
  it('persists to its data directory, shuts down cleanly, and reopens with the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-stack-'));
    try {
      const first = await startLocalStack({ port: 0, dataDir });
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      const signUp = await clientFor(first).auth.signUp({ email: 'keep@example.com', password: 'correct-horse' });
      expect(signUp.error).toBeNull();
      const seeded = await first.db.query<{ n: number }>('select count(*)::int as n from public.contacts');
      await first.close();

      const second = await startLocalStack({ port: 0, dataDir });
      const signIn = await clientFor(second).auth.signInWithPassword({ email: 'keep@example.com', password: 'correct-horse' });
      expect(signIn.error).toBeNull();
      const again = await second.db.query<{ n: number }>('select count(*)::int as n from public.contacts');
      expect(again.rows[0]?.n).toBe(seeded.rows[0]?.n);
      const migrations = await second.db.query<{ n: number }>('select count(*)::int as n from supabase_migrations.schema_migrations');
      expect(migrations.rows[0]?.n).toBeGreaterThanOrEqual(2);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a second stack on the same data directory (which would corrupt it), and takes over a lock left by a dead process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fieldbook-lock-'));
    const dataDir = join(root, 'db');
    try {
      const first = await startLocalStack({ port: 0, dataDir, seed: false });
      await expect(startLocalStack({ port: 0, dataDir, seed: false })).rejects.toThrow(/already open in this process/);
      // Another process holding it: this test runner's parent stands in for a live owner.
      await first.close();
      writeFileSync(`${dataDir}.lock`, String(process.ppid));
      await expect(startLocalStack({ port: 0, dataDir, seed: false })).rejects.toThrow(/in use by another process \(pid \d+\)/);
      writeFileSync(`${dataDir}.lock`, '999999999');
      const again = await startLocalStack({ port: 0, dataDir, seed: false });
      expect((await fetch(`${again.url}/health`)).status).toBe(200);
      await again.close();
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  describe('append-only migrations', () => {
    let root: string;
    let dataDir: string;
    let supabaseDir: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'fieldbook-supabase-'));
      dataDir = join(root, 'data');
      supabaseDir = join(root, 'supabase');
      cpSync(join(process.cwd(), 'supabase'), supabaseDir, { recursive: true });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    const firstMigration = () => readdirSync(join(supabaseDir, 'migrations')).filter((file) => file.endsWith('.sql')).sort()[0]!;

    it('applies a migration added later on the next start, as the migration role, and records its SHA-256', async () => {
      const first = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await first.close();
      const later = 'create table public.later_table (id int primary key, made_by text default current_user);';
      writeFileSync(join(supabaseDir, 'migrations', '29990101000000_later.sql'), later);
      const second = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      const { rows } = await second.db.query<{ version: string; name: string; sha256: string }>(`select version, name, sha256 from supabase_migrations.schema_migrations order by version desc limit 1`);
      expect(rows[0]).toEqual({ version: '29990101000000', name: 'later', sha256: createHash('sha256').update(later).digest('hex') });
      expect((await second.db.query(`select pg_get_userbyid(relowner) as owner from pg_class where oid = to_regclass('public.later_table')`)).rows).toEqual([{ owner: 'supabase_migrator' }]);
      await second.close();
    }, 60_000);

    it('refuses to start when a landed migration changed, naming the file and how to reset; --reset then starts fresh', async () => {
      const first = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await clientFor(first).auth.signUp({ email: 'before-reset@example.com', password: 'correct-horse' });
      await first.close();
      const file = firstMigration();
      appendFileSync(join(supabaseDir, 'migrations', file), '\n-- an edit after it landed\n');
      const refused = startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await expect(refused).rejects.toThrow(new RegExp(`${file.replace(/\./g, '\\.')} changed after it was applied`));
      await expect(refused).rejects.toThrow(/npm run stack -- --reset/);
      expect(existsSync(`${dataDir}.lock`)).toBe(false); // the refusal released the directory

      const reset = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false, reset: true });
      const users = await reset.db.query<{ n: number }>(`select count(*)::int as n from auth.users`);
      expect(users.rows[0]?.n).toBe(0);
      await reset.close();
      const again = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await again.close();
    }, 60_000);

    it('refuses to start when a landed migration’s file is gone', async () => {
      const first = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await first.close();
      const file = firstMigration();
      rmSync(join(supabaseDir, 'migrations', file));
      await expect(startLocalStack({ port: 0, dataDir, supabaseDir, seed: false })).rejects.toThrow(new RegExp(`${file.replace(/\.sql$/, '')}\\.sql was applied to this database, but there is no migration file`));
    }, 60_000);

    it('records the checksums of a database from before checksums existed instead of refusing', async () => {
      const first = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await first.db.exec('update supabase_migrations.schema_migrations set sha256 = null');
      await first.close();
      const second = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      const { rows } = await second.db.query<{ n: number }>('select count(*)::int as n from supabase_migrations.schema_migrations where sha256 is null');
      expect(rows[0]?.n).toBe(0);
      await second.close();
    }, 60_000);

    it('--reset refuses a directory that is not a local database, and refuses a PostgreSQL server', async () => {
      mkdirSync(dataDir);
      writeFileSync(join(dataDir, 'notes.txt'), 'precious');
      await expect(startLocalStack({ port: 0, dataDir, supabaseDir, seed: false, reset: true })).rejects.toThrow(/does not look like a local database directory/);
      expect(existsSync(join(dataDir, 'notes.txt'))).toBe(true);
      await expect(startLocalStack({ port: 0, databaseUrl: 'postgres://nobody@127.0.0.1:1/none', supabaseDir, seed: false, reset: true })).rejects.toThrow(/never touches a PostgreSQL server/);
    }, 60_000);

    it('npm run stack prints the guidance and exits 1 on a changed migration; with --reset it starts', async () => {
      const first = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await first.close();
      appendFileSync(join(supabaseDir, 'migrations', firstMigration()), '\n-- edited\n');
      const args = ['supabase/local/main.ts', '--port', '0', '--data-dir', dataDir, '--supabase-dir', supabaseDir];
      const refused = spawnSync(TSX, args, { encoding: 'utf8', timeout: 60_000 });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(firstMigration());
      expect(refused.stderr).toContain('npm run stack -- --reset');
      expect(refused.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace

      const child = spawn(TSX, [...args, '--reset'], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        await expect.poll(() => output, { timeout: 30_000, interval: 200 }).toMatch(/local Supabase stack is running/);
        expect(output).toMatch(/reset: deleted the local database/);
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
      }
    }, 90_000);
  });

  it('prints its URL and keys as environment lines with --env', () => {
    const output = execFileSync(TSX, ['supabase/local/main.ts', '--env', '--port', '54999'], { encoding: 'utf8' });
    const lines = output.trim().split('\n');
    expect(lines.map((line) => line.split('=')[0])).toEqual(['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY']);
    expect(lines[0]).toBe('SUPABASE_URL=http://127.0.0.1:54999');
    expect(lines[1]).toMatch(/^SUPABASE_ANON_KEY=eyJ/);
  });
});

