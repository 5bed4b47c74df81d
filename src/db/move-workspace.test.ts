import { describe, expect, it } from 'vitest';
import { createHlcClock } from '../domain/hlc';
import { contactInput, createTestStore } from '../../tests/support/test-store';
import { createFieldbookDb } from './fieldbook-db';
import { moveWorkspace } from './move-workspace';
import { countWaiting } from './outbox';
import { allEntries } from './outbox-entries';

describe('moveWorkspace', () => {
  it('moves local rows (deleted ones as tombstones) into the member database with outbox entries, and empties the local workspace', async () => {
    const local = await createTestStore();
    const kept = await local.store.addContact(contactInput({ first_name: 'Kept' }));
    const gone = await local.store.addContact(contactInput({ first_name: 'Deleted' }));
    if (!kept.ok || !gone.ok) throw new Error('setup failed');
    await local.store.deleteContact(gone.value);
    const member = createFieldbookDb(`member-${crypto.randomUUID()}`);
    const ctx = { memberId: 'b3f0c8a2-0000-4000-8000-000000000001', clock: createHlcClock({ now: Date.now, node: 'move' }), now: Date.now, newId: () => crypto.randomUUID() };

    const rows = (await local.db.contacts.count()) + (await local.db.member_activities.count());
    expect(await moveWorkspace(local.db, member, ctx)).toBe(rows);
    expect(await member.contacts.get(kept.value)).toMatchObject({ first_name: 'Kept', member_id: ctx.memberId, deleted_at: null });
    expect((await member.contacts.get(gone.value))?.deleted_at).not.toBeNull();
    const outbox = await allEntries(member);
    expect(outbox).toHaveLength(rows);
    expect(outbox.every((entry) => entry.op === 'insert')).toBe(true);
    expect(outbox.findIndex((entry) => entry.table === 'member_activities')).toBeGreaterThan(outbox.findLastIndex((entry) => entry.table === 'contacts'));
    expect(await local.db.contacts.count()).toBe(0);
    expect(await countWaiting(local.db)).toBe(0);
    // Running it again moves nothing twice.
    expect(await moveWorkspace(local.db, member, ctx)).toBe(0);
  });
});
