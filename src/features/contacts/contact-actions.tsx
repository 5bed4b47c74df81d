import { useState } from 'react';
import { mailtoLink, smsLink, telLink, whatsAppLink } from '../../domain/contact-links';
import type { Contact } from '../../domain/contact';
import { pointLabelName, type ContactPoint } from '../../domain/contact-points';
import { useAppServices } from '../../hooks/app-services';
import { useDeviceSettings } from '../../hooks/use-local-data';
import { Icon } from '../../ui/icon';
import { ComposeSheet, type ComposeChannel } from './compose-sheet';

/** The contact's numbers or addresses, primary first (a row written before the lists has only the single field). */
const pointsOf = (list: readonly ContactPoint[], single: string, label: string): readonly ContactPoint[] =>
  list.length > 0 ? list : single === '' ? [] : [{ label, value: single }];

type Composing = { readonly channel: ComposeChannel; readonly to: string };

/**
 * Call, text, WhatsApp and email in one tap, to the primary number and address; every other number and
 * address is listed with its label and its own compact actions. Calls and messages leave the app; when
 * it becomes visible again the outcome sheet asks how it went. Email is recorded as sent when handed to
 * the mail app.
 */
export function ContactActions({ contact }: { readonly contact: Contact }) {
  const { platform, pendingOutreach } = useAppServices();
  const settings = useDeviceSettings();
  const [composing, setComposing] = useState<Composing | null>(null);
  const phones = pointsOf(contact.phones, contact.phone, 'mobile');
  const emails = pointsOf(contact.emails, contact.email, 'home');
  const phone = phones[0]?.value ?? '';
  const email = emails[0]?.value ?? '';
  const canMessage = telLink(phone, settings.country_code) !== null;
  const canEmail = mailtoLink(email) !== null;

  const call = (to: string) => {
    const tel = telLink(to, settings.country_code);
    if (tel === null) return;
    pendingOutreach.set({ contactId: contact.id, channel: 'call', startedAt: platform.now() });
    platform.openExternal(tel);
  };

  return (
    <>
      <div className="actions" role="group" aria-label="Reach out">
        <button type="button" className="action" onClick={() => call(phone)} disabled={!canMessage}>
          <Icon name="call" /> Call
        </button>
        <button type="button" className="action" onClick={() => setComposing({ channel: 'text', to: phone })} disabled={!canMessage}>
          <Icon name="text" /> Text
        </button>
        <button type="button" className="action" onClick={() => setComposing({ channel: 'whatsapp', to: phone })} disabled={!canMessage}>
          <Icon name="whatsapp" /> WhatsApp
        </button>
        <button type="button" className="action" onClick={() => setComposing({ channel: 'email', to: email })} disabled={!canEmail}>
          <Icon name="email" /> Email
        </button>
      </div>
      {!canMessage || !canEmail ? (
        <p className="hint">{!canMessage && !canEmail ? 'Add a phone number or email to reach out.' : !canMessage ? 'Add a phone number to call or message.' : 'Add an email address to send email.'}</p>
      ) : null}
      {phones.length + emails.length > 0 ? (
        <ul className="points-view" aria-label="Phone numbers and email addresses">
          {phones.map((point, index) => {
            const name = `${pointLabelName(point.label)} ${point.value}`;
            return (
              <li key={`p${index}`}>
                <span className="points-view__label">{pointLabelName(point.label)}</span>
                <span className="points-view__value">{point.value}</span>
                {index === 0 ? (
                  <span className="points-view__primary">Primary</span>
                ) : (
                  <span className="points-view__actions">
                    <button type="button" className="chip" aria-label={`Call ${name}`} onClick={() => call(point.value)}>
                      Call
                    </button>
                    <button type="button" className="chip" aria-label={`Text ${name}`} onClick={() => setComposing({ channel: 'text', to: point.value })}>
                      Text
                    </button>
                    <button type="button" className="chip" aria-label={`WhatsApp ${name}`} onClick={() => setComposing({ channel: 'whatsapp', to: point.value })}>
                      WhatsApp
                    </button>
                  </span>
                )}
              </li>
            );
          })}
          {emails.map((point, index) => (
            <li key={`e${index}`}>
              <span className="points-view__label">{pointLabelName(point.label)} email</span>
              <span className="points-view__value">{point.value}</span>
              {index === 0 ? (
                <span className="points-view__primary">Primary</span>
              ) : (
                <span className="points-view__actions">
                  <button type="button" className="chip" aria-label={`Email ${pointLabelName(point.label)} ${point.value}`} onClick={() => setComposing({ channel: 'email', to: point.value })}>
                    Email
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {composing ? (
        <ComposeSheet
            contact={contact}
            channel={composing.channel}
            targets={composing.channel === 'email' ? emails : phones}
            initialTarget={composing.to}
            onClose={() => setComposing(null)}
            buildLink={(to, body, subject) =>
              composing.channel === 'email'
                ? mailtoLink(to, subject, body)
                : composing.channel === 'text'
                  ? smsLink(to, settings.country_code, platform.device, body)
                  : whatsAppLink(to, settings.country_code, body)
            }
          />
      ) : null}
    </>
  );
}
