import { useState } from 'react';
import { mailtoLink, smsLink, telLink, whatsAppLink } from '../../domain/contact-links';
import type { Contact } from '../../domain/contact';
import { useAppServices } from '../../hooks/app-services';
import { useDeviceSettings } from '../../hooks/use-local-data';
import { Icon } from '../../ui/icon';
import { ComposeSheet, type ComposeChannel } from './compose-sheet';

/**
 * Call, text, WhatsApp and email in one tap. Calls and messages leave the app; when it becomes visible
 * again the outcome sheet asks how it went. Email is recorded as sent when handed to the mail app.
 */
export function ContactActions({ contact }: { readonly contact: Contact }) {
  const { platform, pendingOutreach } = useAppServices();
  const settings = useDeviceSettings();
  const [composing, setComposing] = useState<ComposeChannel | null>(null);
  const tel = telLink(contact.phone, settings.country_code);
  const canMessage = tel !== null;
  const canEmail = mailtoLink(contact.email) !== null;

  const call = () => {
    if (tel === null) return;
    pendingOutreach.set({ contactId: contact.id, channel: 'call', startedAt: platform.now() });
    platform.openExternal(tel);
  };

  return (
    <>
      <div className="actions" role="group" aria-label="Reach out">
        <button type="button" className="action" onClick={call} disabled={!canMessage}>
          <Icon name="call" /> Call
        </button>
        <button type="button" className="action" onClick={() => setComposing('text')} disabled={!canMessage}>
          <Icon name="text" /> Text
        </button>
        <button type="button" className="action" onClick={() => setComposing('whatsapp')} disabled={!canMessage}>
          <Icon name="whatsapp" /> WhatsApp
        </button>
        <button type="button" className="action" onClick={() => setComposing('email')} disabled={!canEmail}>
          <Icon name="email" /> Email
        </button>
      </div>
      {!canMessage || !canEmail ? (
        <p className="hint">{!canMessage && !canEmail ? 'Add a phone number or email to reach out.' : !canMessage ? 'Add a phone number to call or message.' : 'Add an email address to send email.'}</p>
      ) : null}
      {composing ? (
        <ComposeSheet
          contact={contact}
          channel={composing}
          onClose={() => setComposing(null)}
          buildLink={(body, subject) =>
            composing === 'email'
              ? mailtoLink(contact.email, subject, body)
              : composing === 'text'
                ? smsLink(contact.phone, settings.country_code, platform.device, body)
                : whatsAppLink(contact.phone, settings.country_code, body)
          }
        />
      ) : null}
    </>
  );
}
