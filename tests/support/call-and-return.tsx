import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactScreen } from '../../src/features/contacts/contact-screen';
import { OutcomeSheet } from '../../src/features/contacts/outcome-sheet';
import type { ContactInput } from '../../src/domain/contact';
import { contactInput } from './test-store';
import { renderWith, type Harness } from './render-with-services';

/** Renders a contact with the outcome sheet, taps Call, spends `awayMs` in the phone app and comes back. */
export async function callAndReturn(harness: Harness, awayMs: number, overrides: Partial<ContactInput> = {}) {
  const user = userEvent.setup();
  const added = await harness.store.addContact(contactInput(overrides));
  const id = added.ok ? added.value : '';
  renderWith(harness, (
    <>
      <ContactScreen id={id} />
      <OutcomeSheet />
    </>
  ));
  await user.click(await screen.findByRole('button', { name: 'Call' }));
  harness.clock.advance(awayMs);
  act(() => harness.platform.returnToApp());
  return { user, id };
}
