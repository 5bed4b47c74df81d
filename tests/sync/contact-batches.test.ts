import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { createPhoneKey } from '../../src/contacts-io/phone-key';
import { createSyncLocal } from '../../src/db/sync-local';
import type { ContactFields } from '../../src/db/contact-batches';
import type { ContactInput } from '../../src/domain/contact';
import { signedInClient } from '../support/local-stack';
import { settle, startedSyncDevice, type SyncClientDevice } from '../support/sync-client';
import { contactOn } from '../support/sync-device';
import { contactInput } from '../support/test-store';
import { countWaiting } from '../../src/db/outbox';

/*
 * Merges and imports are batches of ordinary synced writes, undoable from any device. Two devices of
 * one member against the local stack (real supabase-js, realtime and row-level security; each device
 * its own fake-indexeddb): what one device merges, imports or undoes, the other ends up agreeing
 * with, even when it was offline and wrote to a merged-away contact meanwhile.
 */

const poll = { timeout: 15_000 };
const devices: SyncClientDevice[] = [];
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, seed: false });
});

afterEach(async () => {
  for (const device of devices.splice(0)) await device.dispose();
});

afterAll(async () => {
  await stack.close();
});

/** Two started devices of a new member. */
async function twoDevices() {
  const member = await signedInClient(stack, 'batches');
  return [await startedSyncDevice(stack, member, devices), await startedSyncDevice(stack, member, devices)] as const;
}

/** A contact whose single phone/email fields follow its lists (as the form writes it). */
function person(overrides: Partial<ContactInput>): ContactInput {
  const base = contactInput(overrides);
  return { ...base, phone: base.phones[0]?.value ?? '', email: base.emails[0]?.value ?? '' };
}

async function add(device: SyncClientDevice, overrides: Partial<ContactInput>): Promise<string> {
  const added = await device.store.addContact(person(overrides));
  if (!added.ok) throw new Error(added.error.message);
  // Contacts added one after another are older and newer (a merge keeps the oldest record).
  await new Promise((resolve) => setTimeout(resolve, 5));
  return added.value;
}

const liveNames = async (device: SyncClientDevice) =>
  (await device.db.contacts.toArray())
    .filter((contact) => contact.deleted_at === null)
    .map((contact) => `${contact.first_name} ${contact.last_name}`)
    .sort();

/** Both devices hold the same rows and stamps (the digest sync_digest compares), and each agrees with the server. */
async function expectAgreement(a: SyncClientDevice, b: SyncClientDevice) {
  await expect.poll(async () => JSON.stringify(await createSyncLocal(b.db).digest()), poll).toBe(JSON.stringify(await createSyncLocal(a.db).digest()));
  expect(await a.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
  expect(await b.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
}

describe('merges and imports across two devices (local stack)', () => {
  it('a merge on A reaches B, which logged a call on the merged-away contact while offline; then A undoes it', async () => {
    const [a, b] = await twoDevices();
    const ada = await add(a, { first_name: 'Ada', last_name: 'Okafor', phones: [{ label: 'mobile', value: '+1 415 555 0101' }], emails: [], tags: ['gym'] });
    const again = await add(a, {
      first_name: 'Ada',
      last_name: 'O',
      phones: [
        { label: 'home', value: '(415) 555-0101' },
        { label: 'work', value: '+1 212 555 0199' },
      ],
      emails: [{ label: 'home', value: 'ada.o@example.com' }],
      tags: ['vip'],
    });
    await settle(a, b);
    await expect.poll(() => liveNames(b), poll).toEqual(['Ada O', 'Ada Okafor']);

    await b.goOffline();
    const merged = await a.store.mergeContacts(ada, [again], createPhoneKey('1'));
    if (!merged.ok) throw new Error(merged.error.message);
    expect(merged.value.keptId).toBe(ada);
    const logged = await b.store.logOutreach(again, 'call', 'connected', null);
    expect(logged.ok).toBe(true);
    await expect.poll(() => countWaiting(a.db), poll).toBe(0);

    b.goOnline();
    await settle(b, a);
    // B's call follows the merge to the survivor (the server re-points it; B pulls that back).
    const callsOn = async (device: SyncClientDevice) =>
      (await device.db.member_activities.toArray()).filter((row) => row.activity_type === 'call' && row.deleted_at === null).map((row) => row.contact_id);
    await expect.poll(() => callsOn(b), poll).toEqual([ada]);
    await expect.poll(() => callsOn(a), poll).toEqual([ada]);
    for (const device of [a, b]) {
      await expect.poll(() => liveNames(device), poll).toEqual(['Ada Okafor']);
      const survivor = await contactOn(device, ada);
      expect(survivor?.phones.map((point) => point.value)).toEqual(['+1 415 555 0101', '+1 212 555 0199']);
      expect(survivor?.emails.map((point) => point.value)).toEqual(['ada.o@example.com']);
      expect(survivor?.tags).toEqual(['gym', 'vip']);
      expect((await contactOn(device, again))?.merged_into).toBe(ada);
    }
    await expectAgreement(a, b);

    const undone = await a.store.undoMerge(merged.value.mergeId);
    expect(undone.ok).toBe(true);
    await settle(a, b);
    for (const device of [a, b]) {
      await expect.poll(() => liveNames(device), poll).toEqual(['Ada O', 'Ada Okafor']);
      const restored = await contactOn(device, ada);
      expect(restored?.phones.map((point) => point.value)).toEqual(['+1 415 555 0101']);
      expect(restored?.tags).toEqual(['gym']);
      expect((await contactOn(device, again))?.merged_into).toBeNull();
    }
    await expectAgreement(a, b);
  }, 90_000);

  it('an import on A undone on B removes exactly its contacts on both and gives the matched contact its fields back', async () => {
    const [a, b] = await twoDevices();
    const cleo = await add(a, { first_name: 'Cleo', last_name: 'Diaz', phones: [{ label: 'mobile', value: '+1 646 555 0111' }], emails: [], tags: ['gym'] });
    const ben = await add(a, { first_name: 'Ben', last_name: 'Ito', phones: [], emails: [{ label: 'home', value: 'ben@example.com' }] });
    await settle(a, b);
    await expect.poll(() => liveNames(b), poll).toEqual(['Ben Ito', 'Cleo Diaz']);
    const cleoBefore = await contactOn(b, cleo);

    const row = (first_name: string, phone: string): ContactFields => {
      const input = contactInput({ first_name, last_name: 'Imported', tags: ['imported 2026-11-29'], lead_source: 'Google' });
      return {
        first_name: input.first_name,
        last_name: input.last_name,
        phones: [{ label: 'mobile', value: phone }],
        emails: [],
        stage: input.stage,
        contact_type: input.contact_type,
        lead_source: input.lead_source,
        tags: input.tags,
        notes: '',
        next_follow_up_on: null,
      };
    };
    const imported = await a.store.importContacts({
      source: 'Google',
      fileName: 'contacts.csv',
      rows: [
        { kind: 'create', fields: row('Dev', '+1 917 555 0101') },
        { kind: 'create', fields: row('Femi', '+1 917 555 0102') },
        { kind: 'create', fields: row('Grace', '+1 917 555 0103') },
        {
          kind: 'merge',
          contactId: cleo,
          fields: { phones: [...(cleoBefore?.phones ?? []), { label: 'work', value: '+1 646 555 0999' }], tags: ['gym', 'imported 2026-11-29'] },
        },
      ],
    });
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.value).toMatchObject({ created: 3, merged: 1, cancelled: false });
    await settle(a, b);
    await expect.poll(() => liveNames(b), poll).toEqual(['Ben Ito', 'Cleo Diaz', 'Dev Imported', 'Femi Imported', 'Grace Imported']);
    await expect.poll(async () => (await contactOn(b, cleo))?.phones.length, poll).toBe(2);

    // B, which did not import anything, undoes A's import.
    const undone = await b.store.undoImport(imported.value.importId);
    if (!undone.ok) throw new Error(undone.error.message);
    expect(undone.value).toEqual({ removed: 3, restored: 1 });
    await settle(b, a);
    for (const device of [a, b]) {
      await expect.poll(() => liveNames(device), poll).toEqual(['Ben Ito', 'Cleo Diaz']);
      const restored = await contactOn(device, cleo);
      expect(restored?.phones).toEqual(cleoBefore?.phones);
      expect(restored?.tags).toEqual(['gym']);
      expect((await contactOn(device, ben))?.deleted_at).toBeNull();
      const entry = await device.db.member_activities.get(imported.value.importId);
      expect(entry?.deleted_at).not.toBeNull();
    }
    await expectAgreement(a, b);
  }, 90_000);
});
