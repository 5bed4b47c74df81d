import { CHANNEL_LABELS } from '../../domain/email-template';
import { formatRelative } from '../../domain/dates';
import { shortUrl, type TimelineEvent } from '../../domain/tracked-message';
import { useAppServices } from '../../hooks/app-services';
import { useContactMessages } from '../../hooks/use-engagement';

const SENT_FROM: Readonly<Record<'email' | 'sms' | 'whatsapp', string>> = {
  email: 'Handed to your mail app',
  sms: 'Sent from your phone by text',
  whatsapp: 'Sent from your phone on WhatsApp',
};

function describe(event: TimelineEvent, channel: 'email' | 'sms' | 'whatsapp', firstName: string): string {
  switch (event.kind) {
    case 'sent':
      return SENT_FROM[channel];
    case 'preview':
      return `Preview fetched by ${event.agent}: the message was written or delivered`;
    case 'opened':
      return `Opened by ${firstName || 'the person'}`;
  }
}

/**
 * The messages sent to a contact, each with its delivery timeline: sent, a link preview fetched (so it
 * was written or delivered), and every open of a link by the person. Scanners are only counted.
 */
export function SentMessages({ contactId, firstName }: { readonly contactId: string; readonly firstName: string }) {
  const { platform } = useAppServices();
  const messages = useContactMessages(contactId, 10);
  if (!messages || messages.length === 0) return null;
  const now = platform.now();
  return (
    <section aria-labelledby="messages-title" className="sent-messages">
      <h2 id="messages-title">Messages</h2>
      <p className="hint">Only clicks on tracked links show here. Email opens are not tracked: privacy proxies and image blocking make them meaningless.</p>
      <ol className="sent-messages__list">
        {messages.map(({ sent, templateName, links, timeline }) => (
          <li key={sent.id} className="sent-message">
            <p className="sent-message__head">
              <span className="badge">{CHANNEL_LABELS[sent.channel]}</span> {templateName ? `‘${templateName}’` : sent.subject || 'Message'}
              {timeline.opens > 0 ? <span className="sent-message__opens"> · opened {timeline.opens === 1 ? 'once' : `${timeline.opens} times`}</span> : null}
            </p>
            <ol className="delivery" aria-label={`Delivery of ${templateName ?? 'the message'}`}>
              {timeline.events.map((event, index) => (
                <li key={event.kind === 'opened' ? event.id : `${event.kind}${index}`} className={`delivery__step delivery__step--${event.kind}`}>
                  <span>
                    {describe(event, sent.channel, firstName)}
                    {event.kind === 'opened' ? <span className="delivery__url"> · {shortUrl(event.url)}</span> : null}
                  </span>
                  <time dateTime={event.at}>{formatRelative(event.at, now)}</time>
                </li>
              ))}
            </ol>
            {links === 0 ? <p className="hint">No tracked links in this message.</p> : null}
            {timeline.scanners > 0 ? (
              <p className="hint delivery__scanners">
                {timeline.scanners} {timeline.scanners === 1 ? 'visit' : 'visits'} by security scanners, not counted
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
