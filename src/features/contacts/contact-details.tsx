import { useEffect } from 'react';
import { CONTACT_TYPE_LABELS, STAGE_LABELS, contactFullName } from '../../domain/contact';
import { describeActivity } from '../../domain/activity-description';
import { formatDay, formatRelative, toDay } from '../../domain/dates';
import { useAppServices } from '../../hooks/app-services';
import { useContact, useContactActivities } from '../../hooks/use-local-data';
import { useMergeSurvivor } from '../../hooks/use-merge-survivor';
import { useNotify } from '../../hooks/use-notify';
import { useNavigate } from '../../hooks/use-route';
import { useLinkTo } from '../../hooks/use-link-to';
import { EmptyState } from '../../ui/empty-state';
import { ContactActions } from './contact-actions';
import { SentMessages } from './sent-messages';

/** One contact: one-tap actions, every number and address, details, and what happened with them. */
export function ContactDetails({ id }: { readonly id: string }) {
  const { store, platform } = useAppServices();
  const navigate = useNavigate();
  const linkTo = useLinkTo();
  const notify = useNotify();
  const contact = useContact(id);
  const activities = useContactActivities(id, 20);
  // An old link or notification to a contact merged into another opens the one it was merged into.
  const survivor = useMergeSurvivor(id, contact === null);
  useEffect(() => {
    if (typeof survivor === 'string') navigate(`/contacts/${survivor}`, { replace: true });
  }, [survivor, navigate]);

  if (contact === undefined || (contact === null && survivor !== null)) return <p className="loading">Loading…</p>;
  if (contact === null)
    return (
      <EmptyState title="Contact not found">
        It may have been deleted.{' '}
        <a {...linkTo('/contacts')}>
          Back to contacts
        </a>
      </EmptyState>
    );

  const name = contactFullName(contact);
  const remove = async () => {
    const result = await store.deleteContact(id);
    if (!result.ok) {
      notify(result.error.message);
      return;
    }
    navigate('/contacts', { replace: true });
    notify(`Deleted ${name}`, {
      label: 'Undo',
      run: () => {
        void store.restoreContact(id, result.value.activityId).then((restored) => notify(restored.ok ? `Restored ${name}` : restored.error.message));
      },
    });
  };

  const today = toDay(new Date(platform.now()));
  const followUp = contact.next_follow_up_on;
  return (
    <article className="screen" aria-labelledby="contact-name">
      <div className="screen__header">
        <div>
          <h1 id="contact-name">{name}</h1>
          <p className="subtle">
            <span className={`badge badge--${contact.stage}`}>{STAGE_LABELS[contact.stage]}</span> {CONTACT_TYPE_LABELS[contact.contact_type]}
          </p>
        </div>
      </div>
      <ContactActions contact={contact} />
      <dl className="details">
        <div>
          <dt>Next follow-up</dt>
          <dd className={followUp !== null && followUp < today ? 'overdue' : undefined}>
            {followUp === null ? 'None set' : `${formatDay(followUp)}${followUp < today ? ' (overdue)' : followUp === today ? ' (today)' : ''}`}
          </dd>
        </div>
        <div>
          <dt>Lead source</dt>
          <dd>{contact.lead_source || '—'}</dd>
        </div>
        <div>
          <dt>Tags</dt>
          <dd>{contact.tags.length > 0 ? contact.tags.map((tag) => <span key={tag} className="tag">{tag}</span>) : '—'}</dd>
        </div>
        <div className="details__wide">
          <dt>Notes</dt>
          <dd className="notes">{contact.notes || '—'}</dd>
        </div>
      </dl>
      <div className="form__actions form__actions--start">
        <button type="button" className="button" onClick={() => navigate(`/contacts/${id}/edit`)}>
          Edit
        </button>
        <button type="button" className="button" onClick={() => navigate(`/contacts/duplicates?with=${encodeURIComponent(id)}`)}>
          Merge with…
        </button>
        <button type="button" className="button button--danger" onClick={() => void remove()}>
          Delete
        </button>
      </div>
      <SentMessages contactId={id} firstName={contact.first_name} />
      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {activities && activities.length > 0 ? (
          <ul className="timeline">
            {activities.map((activity) => (
              <li key={activity.id}>
                <span>{describeActivity(activity)}</span>
                <time dateTime={activity.occurred_at}>{formatRelative(activity.occurred_at, platform.now())}</time>
              </li>
            ))}
          </ul>
        ) : (
          <p className="subtle">Nothing logged yet.</p>
        )}
      </section>
    </article>
  );
}
