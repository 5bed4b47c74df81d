import { useEffect, useMemo, useState } from 'react';
import type { Contact } from '../../domain/contact';
import { pointLabelName, type ContactPoint } from '../../domain/contact-points';
import { CHANNEL_LABELS, type TemplateChannel } from '../../domain/email-template';
import { mergeValuesFor, renderMergeFields } from '../../domain/merge-fields';
import { trackableUrls } from '../../domain/tracked-message';
import { useAppServices } from '../../hooks/app-services';
import { useLinkTracking, type TrackedBody } from '../../hooks/use-engagement';
import { useProfile, useTemplates } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { SelectField } from '../../ui/field';
import { Sheet } from '../../ui/sheet';

export type ComposeChannel = 'text' | 'whatsapp' | 'email';

const TEMPLATE_CHANNEL: Readonly<Record<ComposeChannel, TemplateChannel>> = { text: 'sms', whatsapp: 'whatsapp', email: 'email' };
const APP_NAMES: Readonly<Record<ComposeChannel, string>> = { text: 'Messages', whatsapp: 'WhatsApp', email: 'mail app' };

/** The tracked version of one body, made ahead of the tap (signing is async; opening the app must not wait). */
type Prepared = { readonly source: string; readonly tracked: TrackedBody | null };

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
 * several numbers or addresses the member picks which one it goes to. Every template send is recorded
 * (any channel); its links become tracked links unless tracking is off for the template or this send,
 * or there is no backend to count clicks.
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

  const tracking = useLinkTracking();
  const [trackChoice, setTrackChoice] = useState<{ readonly templateId: string; readonly on: boolean } | null>(null);
  const track = trackChoice?.templateId === templateId ? trackChoice.on : (template?.track_links ?? true);
  const linkCount = useMemo(() => (template ? trackableUrls(body, tracking ? [...tracking.ownOrigins, tracking.redirectBase] : []).length : 0), [template, body, tracking]);
  const wantTracking = tracking !== null && linkCount > 0 && track;
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  useEffect(() => {
    // The key is made (and queued to sync) as soon as a message may be tracked, ahead of the first send.
    if (tracking !== null) void store.ensureLinkKey();
  }, [store, tracking]);
  useEffect(() => {
    if (!wantTracking) return;
    let current = true;
    store.prepareTrackedBody(body, tracking).then(
      (result) => current && setPrepared({ source: body, tracked: result.ok ? result.value : null }),
      () => current && setPrepared({ source: body, tracked: null }),
    );
    return () => {
      current = false;
    };
  }, [store, body, tracking, wantTracking]);
  const ready = !wantTracking || prepared?.source === body;
  const tracked = wantTracking && prepared?.source === body ? prepared.tracked : null;

  // The link opens first, while the tap still counts as a user gesture (Safari blocks late opens);
  // the record follows, and if it fails the member is told.
  const send = async () => {
    if (!ready) return;
    const outgoing = tracked?.body ?? body;
    const link = buildLink(to, outgoing, subject);
    if (link === null) return;
    if (channel !== 'email')
      pendingOutreach.set(
        template ? { contactId: contact.id, channel, templateName: template.name, startedAt: platform.now() } : { contactId: contact.id, channel, startedAt: platform.now() },
      );
    platform.openExternal(link);
    onClose();
    if (channel === 'email' || template !== null) {
      const recorded = await store.recordSent({ contactId: contact.id, template, channel: TEMPLATE_CHANNEL[channel], to, subject, body: outgoing, links: tracked?.links ?? [] });
      if (!recorded.ok) notify(`The message was opened but not logged: ${recorded.error.message}`);
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
      {linkCount > 0 ? (
        tracking === null ? (
          <p className="hint">Link tracking needs sync: links go out as written. Sign in to see who opens them.</p>
        ) : (
          <label className="check">
            <input type="checkbox" checked={track} onChange={(event) => setTrackChoice({ templateId, on: event.target.checked })} />
            <span>
              Track {linkCount === 1 ? 'the link' : `the ${linkCount} links`}
              <span className="hint">
                {track
                  ? prepared?.source === body && prepared.tracked === null
                    ? 'Could not prepare tracked links; they go out as written.'
                    : 'See when they are opened. Previews and scanners are not counted.'
                  : 'Links go out as written.'}
              </span>
            </span>
          </label>
        )
      ) : null}
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={() => void send()} aria-busy={!ready}>
          Open {APP_NAMES[channel]}
        </button>
      </div>
    </Sheet>
  );
}
