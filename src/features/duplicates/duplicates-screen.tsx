import { useEffect, useState } from 'react';
import { useAppServices } from '../../hooks/app-services';
import { useContactsRealtime } from '../../hooks/use-contacts-realtime';
import { useDismissDuplicates } from '../../hooks/use-dismiss-duplicates';
import { useDuplicateDismissals } from '../../hooks/use-duplicate-dismissals';
import { useDeviceSettings } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { useLinkTo } from '../../hooks/use-link-to';
import { useNavigate } from '../../hooks/use-route';
import { useStoreValue } from '../../hooks/use-store-value';
import { EmptyState } from '../../ui/empty-state';
import { GroupCard } from './group-card';
import { loadDuplicateGroups, type DuplicateScan } from './load-duplicate-groups';
import { MergeWith } from './merge-with';
import { RecentMerges } from './recent-merges';

/**
 * Possible duplicates: contacts sharing a phone number (as E.164, read with the member's default
 * country), an email address or a full name. Each group can be merged (undoable, on every device) or
 * dismissed as "Not duplicates" (a device setting; a group that gains a new member shows again).
 * Opened as /contacts/duplicates?with=<id> (a contact's "Merge with…"), it first offers to merge that
 * contact with one the member picks.
 */
export function DuplicatesScreen() {
  const { router } = useAppServices();
  const navigate = useNavigate();
  const withId = new URLSearchParams(useStoreValue(router).split('?')[1] ?? '').get('with');
  const { contacts, searchable } = useContactsRealtime();
  const mergeWith = withId === null ? undefined : contacts?.find((contact) => contact.id === withId);
  const { country_code: callingCode } = useDeviceSettings();
  const dismissed = useDuplicateDismissals();
  const dismiss = useDismissDuplicates();
  const notify = useNotify();
  const linkTo = useLinkTo();
  const [scan, setScan] = useState<DuplicateScan | null>(null);
  const groups = scan?.groups ?? null;

  useEffect(() => {
    if (contacts === undefined || dismissed === undefined) return;
    let current = true;
    loadDuplicateGroups(contacts, callingCode, dismissed).then(
      (found) => current && setScan(found),
      (error: unknown) => current && notify(`Could not look for duplicates: ${error instanceof Error ? error.message : String(error)}`),
    );
    return () => {
      current = false;
    };
  }, [contacts, callingCode, dismissed, notify]);

  return (
    <section className="screen" aria-labelledby="duplicates-title">
      <div className="screen__header">
        <div>
          <h1 id="duplicates-title">Possible duplicates</h1>
          <p className="subtle">
            <a {...linkTo('/contacts')}>Back to contacts</a>
          </p>
        </div>
      </div>
      {mergeWith && scan ? (
        <MergeWith
          key={mergeWith.id}
          contact={mergeWith}
          searchable={searchable}
          phoneKey={scan.phoneKey}
          onDone={(keptId) => navigate(`/contacts/${keptId ?? mergeWith.id}`, { replace: true })}
        />
      ) : null}
      {groups === null ? (
        <p className="loading">Looking for duplicates…</p>
      ) : groups.length === 0 ? (
        <EmptyState title="No duplicates found">No two contacts share a phone number, an email address or a full name.</EmptyState>
      ) : (
        <>
          <p className="subtle" data-testid="duplicate-group-count">
            {groups.length === 1 ? '1 group' : `${groups.length} groups`} of contacts that may be the same person.
          </p>
          <ul className="merge-groups">
            {groups.map((group) => (
              <GroupCard
                key={group.key}
                group={group}
                phoneKey={scan?.phoneKey ?? ((raw: string) => raw)}
                onDismiss={() => {
                  void dismiss(group.key).then(
                    () => notify('Marked as not duplicates'),
                    (error: unknown) => notify(`Could not save that: ${error instanceof Error ? error.message : String(error)}`),
                  );
                }}
              />
            ))}
          </ul>
        </>
      )}
      <RecentMerges />
    </section>
  );
}
