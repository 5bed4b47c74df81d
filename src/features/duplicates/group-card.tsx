import { useState } from 'react';
import type { DuplicateGroup, DuplicateReason } from '../../contacts-io/duplicate-groups';
import type { PhoneKey } from '../../contacts-io/phone-key';
import { STAGE_LABELS, contactFullName, type Contact } from '../../domain/contact';
import { mergeContacts } from '../../domain/contact-merge';
import { pointLabelName, type ContactPoint } from '../../domain/contact-points';
import { formatDay, toDay } from '../../domain/dates';
import { useAppServices } from '../../hooks/app-services';
import { useNotify } from '../../hooks/use-notify';
import { useLinkTo } from '../../hooks/use-link-to';

const REASON_LABELS: Readonly<Record<DuplicateReason, string>> = { phone: 'Same phone', email: 'Same email', name: 'Same name' };
/** Long enough to read "Merged … · Undo" and reach the button. */
const UNDO_TOAST_MS = 10_000;

/** The contact as it reads on a card or in the merged preview. */
type Shown = Pick<Contact, 'first_name' | 'last_name' | 'stage' | 'lead_source' | 'notes' | 'created_at'> & {
  readonly phones: readonly ContactPoint[];
  readonly emails: readonly ContactPoint[];
  readonly tags: readonly string[];
};

function Points({ points }: { readonly points: readonly ContactPoint[] }) {
  if (points.length === 0) return <>—</>;
  return (
    <ul className="merge-points">
      {points.map((point, index) => (
        <li key={index}>
          <span className="subtle">{pointLabelName(point.label)}</span> {point.value}
        </li>
      ))}
    </ul>
  );
}

function ContactSummary({ contact }: { readonly contact: Shown }) {
  return (
    <dl className="merge-card__fields">
      <dt>Phones</dt>
      <dd>
        <Points points={contact.phones} />
      </dd>
      <dt>Emails</dt>
      <dd>
        <Points points={contact.emails} />
      </dd>
      <dt>Stage</dt>
      <dd>{STAGE_LABELS[contact.stage]}</dd>
      <dt>Lead source</dt>
      <dd>{contact.lead_source || '—'}</dd>
      <dt>Tags</dt>
      <dd>{contact.tags.length > 0 ? contact.tags.join(', ') : '—'}</dd>
      <dt>Added</dt>
      <dd>{formatDay(toDay(new Date(contact.created_at)))}</dd>
      <dt>Notes</dt>
      <dd className="notes">{contact.notes || '—'}</dd>
    </dl>
  );
}

type GroupCardProps = {
  readonly group: DuplicateGroup<Contact>;
  readonly phoneKey: PhoneKey;
  /** "Not duplicates"; absent for contacts the member picked by hand. */
  readonly onDismiss?: () => void;
  /** Starts on the side-by-side view (a merge the member asked for from a contact). */
  readonly initiallyOpen?: boolean;
  /** After the merge was written, with the contact that was kept. */
  readonly onMerged?: (keptId: string) => void;
};

/** One group: who is in it and why; opened, a side-by-side merge with the result shown before it is written. */
export function GroupCard({ group, phoneKey, onDismiss, initiallyOpen = false, onMerged }: GroupCardProps) {
  const { store } = useAppServices();
  const notify = useNotify();
  const linkTo = useLinkTo();
  const [open, setOpen] = useState(initiallyOpen);
  const [survivorId, setSurvivorId] = useState(group.survivor_id);
  const [busy, setBusy] = useState(false);
  const survivor = group.members.find((member) => member.id === survivorId) ?? group.members[0];
  const others = group.members.filter((member) => member !== survivor);
  const merged: Shown | null = survivor ? { ...survivor, ...mergeContacts(survivor, others, phoneKey) } : null;
  const titleId = `group-${group.key.slice(0, 36)}`;

  const merge = async () => {
    if (!survivor) return;
    setBusy(true);
    // The same phone key as the preview, so the merge writes exactly what was shown.
    const result = await store.mergeContacts(survivor.id, others.map((other) => other.id), phoneKey);
    setBusy(false);
    if (!result.ok) {
      notify(`Could not merge: ${result.error.message}`);
      return;
    }
    const name = contactFullName(merged ?? survivor);
    onMerged?.(result.value.keptId);
    notify(
      `Merged ${group.members.length} contacts into ${name}`,
      {
        label: 'Undo',
        run: () => {
          void store.undoMerge(result.value.mergeId).then((undone) => notify(undone.ok ? `Merge undone: ${group.members.length} contacts are back` : `Could not undo: ${undone.error.message}`));
        },
      },
      UNDO_TOAST_MS,
    );
  };

  return (
    <li className="merge-group" aria-labelledby={titleId}>
      <div className="merge-group__header">
        <h2 id={titleId}>{group.members.map((member) => contactFullName(member)).join(' · ')}</h2>
        <p className="merge-group__reasons" hidden={group.reasons.length === 0}>
          {group.reasons.map((reason) => (
            <span key={reason} className="tag">
              {REASON_LABELS[reason]}
            </span>
          ))}
        </p>
      </div>
      {open && survivor && merged ? (
        <>
          <fieldset className="merge-view">
            <legend>Whose details come first? The others’ numbers, addresses, tags and notes are added.</legend>
            <div className="merge-view__columns">
              {group.members.map((member) => (
                <label key={member.id} className={`merge-card${member === survivor ? ' merge-card--survivor' : ''}`}>
                  <span className="merge-card__pick">
                    <input type="radio" name={`survivor-${group.key}`} checked={member === survivor} onChange={() => setSurvivorId(member.id)} />
                    <strong>{contactFullName(member)}</strong>
                    {member.id === group.survivor_id ? <span className="subtle"> (oldest)</span> : null}
                  </span>
                  <ContactSummary contact={member} />
                </label>
              ))}
              <section className="merge-card merge-card--result" aria-label="After merging">
                <h3>After merging: {contactFullName(merged)}</h3>
                <ContactSummary contact={merged} />
                <p className="hint">Activities and sent messages move to this contact. You can undo the merge.</p>
              </section>
            </div>
          </fieldset>
          <div className="form__actions">
            <button type="button" className="button button--ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void merge()}>
              {busy ? 'Merging…' : `Merge ${group.members.length} contacts`}
            </button>
          </div>
        </>
      ) : (
        <>
          <ul className="merge-group__members">
            {group.members.map((member) => (
              <li key={member.id}>
                <a {...linkTo(`/contacts/${member.id}`)}>{contactFullName(member)}</a>{' '}
                <span className="subtle">{[...member.phones, ...member.emails].map((point) => point.value).join(', ') || 'No phone or email'}</span>
              </li>
            ))}
          </ul>
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--primary" onClick={() => setOpen(true)}>
              Review and merge
            </button>
            {onDismiss ? (
              <button type="button" className="button" onClick={onDismiss}>
                Not duplicates
              </button>
            ) : null}
          </div>
        </>
      )}
    </li>
  );
}
