import { describe, expect, it } from 'vitest';
import type { ContactFields, ImportRow } from '../../src/db/contact-batches';
import { countWaiting } from '../../src/db/outbox';
import type { RemotePort } from '../../src/sync/ports';
import { createFakeSyncServer } from '../support/fake-sync-server';
import { createFakeTime, createTestDevice } from '../support/sync-device';

const fields = (first_name: string): ContactFields => ({ first_name, last_name: '', phones: [], emails: [], stage: 'new', contact_type: 'customer', lead_source: 'Google', tags: [], notes: '', next_follow_up_on: null });

describe('an import pushed from batch records (in-memory server)', () => {
  it('600 imported contacts and an edit of one reach the server through a lost answer, answers cut to 100 outcomes and a refused insert', async () => {
    const time = createFakeTime();
    const server = createFakeSyncServer({ now: time.now, reject: (mutation) => (mutation.changes['first_name'] === 'Row 7' ? 'No sevens' : null) });
    const link = server.connect();
    let pushes = 0;
    // A proxy cuts every answer to its first 100 outcomes (and the rows of those).
    const remote: RemotePort = {
      ...link.port,
      push: async (mutations) => {
        pushes += 1;
        const answer = await link.port.push(mutations);
        if (!answer.ok) return answer;
        const results = answer.value.results.slice(0, 100);
        const answered = new Set(results.map((result) => result.mutation_id));
        const rows = new Set(mutations.filter((mutation) => answered.has(mutation.mutation_id)).map((mutation) => `${mutation.table}:${mutation.row_id}`));
        return { ...answer, value: { ...answer.value, results, rows: answer.value.rows.filter((row) => rows.has(`${row.table}:${String(row.row['id'])}`)) } };
      },
    };
    const device = createTestDevice({ memberId: '7d1e4c52-3a4b-4c8e-9f1a-0b2c3d4e5f60', remote, time });
    try {
      const rows: ImportRow[] = Array.from({ length: 600 }, (_, i) => ({ kind: 'create', fields: fields(`Row ${i}`) }));
      const imported = await device.store.importContacts({ source: 'Google', fileName: 'f.csv', rows });
      if (!imported.ok) throw new Error(imported.error.message);
      const ids = await device.db.contacts.where('import_id').equals(imported.value.importId).primaryKeys();
      const byName = new Map((await device.db.contacts.bulkGet(ids)).map((contact) => [contact!.first_name, contact!.id]));
      const edited = byName.get('Row 300')!;
      expect((await device.store.updateContact(edited, { notes: 'edited before any push' })).ok).toBe(true);
      link.loseAnswers(1);
      device.engine.start();
      for (let round = 0; round < 30; round += 1) {
        await device.engine.idle();
        await time.advance(5_000);
      }
      await device.engine.idle();
      expect(pushes).toBeGreaterThan(6);
      expect(await countWaiting(device.db)).toBe(0);
      expect((await device.db.rejected.toArray()).map((row) => row.reason)).toEqual(['No sevens']);
      expect(server.rows('contacts')).toHaveLength(599);
      expect(server.row('contacts', edited)).toMatchObject({ first_name: 'Row 300', notes: 'edited before any push' });
    } finally {
      await device.close();
    }
  }, 60_000);
});
