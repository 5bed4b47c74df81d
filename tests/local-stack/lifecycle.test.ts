import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalStack } from '../../supabase/local/server';
import { clientFor } from '../support/local-stack';

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

  it('applies a migration added later on the next start', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fieldbook-supabase-'));
    const dataDir = join(root, 'data');
    try {
      cpSync(join(process.cwd(), 'supabase'), join(root, 'supabase'), { recursive: true });
      const supabaseDir = join(root, 'supabase');
      const first = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      await first.close();
      writeFileSync(join(supabaseDir, 'migrations', '29990101000000_later.sql'), 'create table public.later_table (id int primary key);');
      const second = await startLocalStack({ port: 0, dataDir, supabaseDir, seed: false });
      const { rows } = await second.db.query<{ version: string }>(`select version from supabase_migrations.schema_migrations order by version desc limit 1`);
      expect(rows[0]?.version).toBe('29990101000000');
      expect((await second.db.query(`select to_regclass('public.later_table') as t`)).rows).toEqual([{ t: 'later_table' }]);
      await second.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints its URL and keys as environment lines with --env', () => {
    const output = execFileSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['supabase/local/main.ts', '--env', '--port', '54999'], { encoding: 'utf8' });
    const lines = output.trim().split('\n');
    expect(lines.map((line) => line.split('=')[0])).toEqual(['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY']);
    expect(lines[0]).toBe('SUPABASE_URL=http://127.0.0.1:54999');
    expect(lines[1]).toMatch(/^SUPABASE_ANON_KEY=eyJ/);
  });
});

