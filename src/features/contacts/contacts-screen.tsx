import { lazy, Suspense, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { CONTACT_STAGES, CONTACT_TYPE_LABELS, CONTACT_TYPES, STAGE_LABELS, contactFullName, type ContactStage, type ContactType } from '../../domain/contact';
import { filterContacts } from '../../domain/contact-search';
import { useAppServices } from '../../hooks/app-services';
import { useContactsRealtime } from '../../hooks/use-contacts-realtime';
import { useDuplicateDismissals } from '../../hooks/use-duplicate-dismissals';
import { useDeviceSettings } from '../../hooks/use-local-data';
import { useNavigate } from '../../hooks/use-route';
import { useLinkTo } from '../../hooks/use-link-to';
import { useUnsyncedIds } from '../../hooks/use-sync-status';
import { SelectField, TextField } from '../../ui/field';
import { EmptyState } from '../../ui/empty-state';
import { loadDuplicateGroups } from '../duplicates/load-duplicate-groups';
import { preloadContactScreen } from './contact-screen';

const ROW_HEIGHT = 68;
/** The duplicate count waits until the list has been still this long, so it never competes with the first paint or typing. */
const DUPLICATE_COUNT_DELAY_MS = 2000;

const ExportMenu = lazy(() => import('./export-menu').then((module) => ({ default: module.ExportMenu })));

/** All contacts, searchable offline, filtered by stage and type; only the visible rows are rendered. */
export function ContactsScreen() {
  const navigate = useNavigate();
  const linkTo = useLinkTo();
  const { droppedFile } = useAppServices();
  const { contacts, searchable, isLoading } = useContactsRealtime();
  const unsynced = useUnsyncedIds('contacts');
  const [query, setQuery] = useState('');
  const [stage, setStage] = useState<ContactStage | 'all'>('all');
  const [type, setType] = useState<ContactType | 'all'>('all');
  const deferredQuery = useDeferredValue(query);
  const results = useMemo(() => filterContacts(searchable, { query: deferredQuery, stage, contact_type: type }), [searchable, deferredQuery, stage, type]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: results.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const filtered = deferredQuery !== '' || stage !== 'all' || type !== 'all';
  const [exporting, setExporting] = useState(false);
  const { country_code: callingCode } = useDeviceSettings();
  const dismissed = useDuplicateDismissals();
  const [duplicateCount, setDuplicateCount] = useState(0);

  // Counted once per visit, when the list and the search box have been still for a moment: grouping
  // 10,000 contacts is one ~150 ms task, which must not land on the first paint or between keystrokes.
  // Coming back from the duplicates screen (or anywhere) counts again.
  const counted = useRef(false);
  useEffect(() => {
    if (counted.current || contacts === undefined || dismissed === undefined || contacts.length < 2) return;
    const timer = setTimeout(() => {
      counted.current = true;
      void loadDuplicateGroups(contacts, callingCode, dismissed).then(
        (scan) => setDuplicateCount(scan.groups.length),
        () => undefined,
      );
    }, DUPLICATE_COUNT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [contacts, callingCode, dismissed, query]);

  useEffect(() => {
    if (contacts !== undefined) performance.mark('fieldbook:contacts-rendered');
  }, [contacts]);
  // After the list is on screen: the next tap is likely a contact.
  const listed = contacts !== undefined;
  useEffect(() => {
    if (listed) preloadContactScreen();
  }, [listed]);

  return (
    <section
      className="screen screen--fill"
      aria-labelledby="contacts-title"
      // A contacts file dropped anywhere on the list opens the import with it (desktop).
      onDragOver={(event) => {
        if ([...event.dataTransfer.types].includes('Files')) event.preventDefault();
      }}
      onDrop={(event) => {
        const file = event.dataTransfer.files[0];
        if (!file) return;
        event.preventDefault();
        droppedFile.set(file);
        navigate('/contacts/import');
      }}
    >
      <div className="screen__header">
        <h1 id="contacts-title">Contacts</h1>
        <div className="contacts-header__actions">
          <a className="button" {...linkTo('/contacts/import')}>
            Import
          </a>
          <button type="button" className="button" aria-expanded={exporting} onClick={() => setExporting((open) => !open)}>
            Export
          </button>
          <button type="button" className="button button--primary" onClick={() => navigate('/contacts/new')}>
            + Quick add
          </button>
          {exporting ? (
            <Suspense fallback={null}>
              <ExportMenu all={contacts ?? []} filtered={filtered ? results : null} onClose={() => setExporting(false)} />
            </Suspense>
          ) : null}
        </div>
      </div>
      {duplicateCount > 0 ? (
        <p className="duplicates-link">
          <a {...linkTo('/contacts/duplicates')}>Possible duplicates ({duplicateCount})</a>
        </p>
      ) : null}
      <div className="contacts-toolbar">
        <TextField label="Search contacts" name="search" type="search" inputMode="search" value={query} onChange={setQuery} placeholder="Name, phone, email, tag or note" />
        <div className="contacts-toolbar__filters">
          <SelectField
            label="Stage"
            name="stage-filter"
            value={stage}
            onChange={setStage}
            options={[{ value: 'all' as const, label: 'All stages' }, ...CONTACT_STAGES.map((value) => ({ value, label: STAGE_LABELS[value] }))]}
          />
          <SelectField
            label="Type"
            name="type-filter"
            value={type}
            onChange={setType}
            options={[{ value: 'all' as const, label: 'All types' }, ...CONTACT_TYPES.map((value) => ({ value, label: CONTACT_TYPE_LABELS[value] }))]}
          />
        </div>
        <p className="contacts-toolbar__count" data-testid="contact-count" data-query={deferredQuery}>
          {isLoading ? 'Loading…' : filtered ? `${results.length.toLocaleString('en')} of ${(contacts?.length ?? 0).toLocaleString('en')} contacts` : `${results.length.toLocaleString('en')} ${results.length === 1 ? 'contact' : 'contacts'}`}
        </p>
      </div>
      {!isLoading && results.length === 0 ? (
        filtered ? (
          <EmptyState title="No contacts match">Try fewer words, or clear the filters.</EmptyState>
        ) : (
          <EmptyState title="No contacts yet">
            <button type="button" className="button button--primary" onClick={() => navigate('/contacts/new')}>
              Add your first contact
            </button>{' '}
            <a className="button" {...linkTo('/contacts/import')}>
              Import from your phone or a file
            </a>
          </EmptyState>
        )
      ) : (
        <div className="contact-list" ref={scroller}>
          <ul aria-label="Contact list" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const contact = results[item.index];
              if (contact === undefined) return null;
              return (
                <li
                  key={contact.id}
                  className="contact-row"
                  aria-setsize={results.length}
                  aria-posinset={item.index + 1}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <a
                    {...linkTo(`/contacts/${contact.id}`)}
                  >
                    <span className="avatar" aria-hidden="true">
                      {(contact.first_name[0] ?? '?').toUpperCase()}
                    </span>
                    <span className="contact-row__main">
                      <span className="contact-row__name">
                        {contactFullName(contact)}
                        {unsynced.has(contact.id) ? (
                          <span className="unsynced" title="Saved on this device, not synced yet">
                            <span className="visually-hidden"> (not synced yet)</span>
                          </span>
                        ) : null}
                      </span>
                      <span className="contact-row__meta">{contact.phone || contact.email || 'No phone or email'}</span>
                    </span>
                    <span className={`badge badge--${contact.stage}`}>{STAGE_LABELS[contact.stage]}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
