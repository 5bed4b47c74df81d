import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect } from 'react';
import { ContactEditScreen } from '../../src/features/contacts/contact-edit-screen';
import { useBatchedValue } from '../../src/hooks/use-batched-value';
import { addDays, toDay } from '../../src/domain/dates';
import { getContact } from '../../src/db/queries';
import { contactInput, createTestStore } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';
import { callAndReturn } from '../support/call-and-return';

let harness: Harness;
afterEach(async () => {
  vi.useRealTimers();
  await harness?.db.delete();
});

describe('edits and outcomes keep what others changed', () => {
  it('saving the edit form sends only the fields the member changed', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const added = await harness.store.addContact(contactInput({ stage: 'new' }));
    const id = added.ok ? added.value : '';
    renderWith(harness, <ContactEditScreen id={id} />);
    const email = await screen.findByRole('textbox', { name: 'Email' });

    // While the form is open, another tab moves the contact to "Presented".
    const otherTab = await createTestStore({ name: harness.name });
    await otherTab.store.updateContact(id, { stage: 'presented' });

    await user.clear(email);
    await user.type(email, 'jane.doe@example.com');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(async () => expect((await getContact(harness.db, id))?.email).toBe('jane.doe@example.com'));
    expect((await getContact(harness.db, id))?.stage).toBe('presented');
    otherTab.db.close();
  });

  it('logging an outcome keeps a follow-up already set for later', async () => {
    harness = await createHarness();
    const nextWeek = addDays(toDay(new Date(harness.clock.now())), 7);
    const { user, id } = await callAndReturn(harness, 120_000, { next_follow_up_on: nextWeek });
    const sheet = await screen.findByRole('dialog');
    await user.click(within(sheet).getByRole('button', { name: 'No answer' }));
    await user.click(within(sheet).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((await getContact(harness.db, id))?.next_follow_up_on).toBe(nextWeek);
  });

  it('a call started hours ago is not asked about', async () => {
    harness = await createHarness();
    await callAndReturn(harness, 3 * 60 * 60 * 1000);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(harness.services.pendingOutreach.getSnapshot()).toBeNull();
  });
});

describe('useBatchedValue', () => {
  function Probe({ value, delay, onRender }: { value: number; delay: number; onRender: (shown: number) => void }) {
    const shown = useBatchedValue(value, delay);
    useEffect(() => {
      onRender(shown);
    });
    return <p>{shown}</p>;
  }

  it('shows a burst of changes once, and a lone change within the delay', () => {
    vi.useFakeTimers();
    const renders: number[] = [];
    const onRender = (shown: number) => renders.push(shown);
    const { rerender } = render(<Probe value={1} delay={50} onRender={onRender} />);
    rerender(<Probe value={2} delay={50} onRender={onRender} />);
    act(() => {
      vi.advanceTimersByTime(20);
    });
    rerender(<Probe value={3} delay={50} onRender={onRender} />);
    expect(screen.getByText('1')).toBeTruthy();
    act(() => {
      vi.advanceTimersByTime(30);
    });
    expect(screen.getByText('3')).toBeTruthy();
    expect(renders.filter((value) => value === 2)).toEqual([]);

    rerender(<Probe value={4} delay={50} onRender={onRender} />);
    act(() => {
      vi.advanceTimersByTime(50);
    });
    expect(screen.getByText('4')).toBeTruthy();
  });
});
