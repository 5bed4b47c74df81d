import { useMemo, useState } from 'react';
import type { Contact } from '../../domain/contact';
import { pointLabelName, type ContactPoint } from '../../domain/contact-points';
import { CHANNEL_LABELS, type TemplateChannel } from '../../domain/email-template';
import { mergeValuesFor, renderMergeFields } from '../../domain/merge-fields';
import { useAppServices } from '../../hooks/app-services';
import { useProfile, useTemplates } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { SelectField } from '../../ui/field';
import { Sheet } from '../../ui/sheet';

export type ComposeChannel = 'text' | 'whatsapp' | 'email';

const TEMPLATE_CHANNEL: Readonly<Record<ComposeChannel, TemplateChannel>> = { text: 'sms', whatsapp: 'whatsapp', email: 'email' };
const APP_NAMES: Readonly<Record<ComposeChannel, string>> = { text: 'Messages', whatsapp: 'WhatsApp', email: 'mail app' };

type ComposeSheetProps = {
  readonly contact: Contact;
  readonly channel: ComposeChannel;
  /** The contact's numbers (text, WhatsApp) or addresses (email), primary first. */
  readonly targets: readonly ContactPoint[];
  /** The number or address the member tapped. */
  readonly initialTarget: string;
  readonly onClose: () => void;
  readonly buildLink: (to: string, body: string, subject: string) => string | null;
};

/**
 * Pick a template (or none), preview it filled in as plain text, then open the app that sends it. With
 * several numbers or addresses the member picks which one it goes to.
 */
export function ComposeSheet({ contact, channel, targets, initialTarget, onClose, buildLink }: ComposeSheetProps) {
  const { platform, pendingOutreach, store } = useAppServices();
  const notify = useNotify();
  const templates = useTemplates();
  const profile = useProfile();
  const choices = useMemo(() => (templates ?? []).filter((template) => template.channel === TEMPLATE_CHANNEL[channel]), [templates, channel]);
  const [templateId, setTemplateId] = useState('');
  const [to, setTo] = useState(initialTarget);
  const template = choices.find((candidate) => candidate.id === templateId) ?? null;
  const values = mergeValuesFor({ contact, profile: profile ?? null });
  const subject = template ? renderMergeFields(template.subject, values) : '';
  const body = template ? renderMergeFields(template.body, values) : '';

  // The link opens first, while the tap still counts as a user gesture (Safari blocks late opens);
  // the record follows, and if it fails the member is told.
  const send = async () => {
    const link = buildLink(to, body, subject);
    if (link === null) return;
    if (channel !== 'email')
      pendingOutreach.set(
        template ? { contactId: contact.id, channel, templateName: template.name, startedAt: platform.now() } : { contactId: contact.id, channel, startedAt: platform.now() },
      );
    platform.openExternal(link);
    onClose();
    if (channel === 'email') {
      const recorded = await store.recordEmailSent(contact.id, template, to, subject, body);
      if (!recorded.ok) notify(`The email was opened but not logged: ${recorded.error.message}`);
    }
  };

  const title = channel === 'email' ? `Email ${contact.first_name}` : channel === 'text' ? `Text ${contact.first_name}` : `WhatsApp ${contact.first_name}`;
  return (
    <Sheet title={title} onClose={onClose}>
      {targets.length > 1 ? (
        <SelectField
          label={channel === 'email' ? 'To address' : 'To number'}
          name="compose-to"
          value={to}
          onChange={setTo}
          options={targets.map((target) => ({ value: target.value, label: `${pointLabelName(target.label)}: ${target.value}` }))}
        />
      ) : null}
      <SelectField
        label="Template"
        name="template"
        value={templateId}
        onChange={setTemplateId}
        options={[{ value: '', label: choices.length === 0 ? `No ${CHANNEL_LABELS[TEMPLATE_CHANNEL[channel]].toLowerCase()} templates yet` : 'No template' }, ...choices.map((choice) => ({ value: choice.id, label: choice.name }))]}
      />
      {template ? (
        <figure className="preview" aria-label="Message preview">
          {subject ? <p className="preview__subject">{subject}</p> : null}
          <p className="preview__body">{body}</p>
        </figure>
      ) : (
        <p className="hint">You can write the message in {APP_NAMES[channel]}.</p>
      )}
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={() => void send()}>
          Open {APP_NAMES[channel]}
        </button>
      </div>
    </Sheet>
  );
}
