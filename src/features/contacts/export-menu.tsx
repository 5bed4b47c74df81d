import { useEffect, useRef } from 'react';
import type { Contact } from '../../domain/contact';
import { toDay } from '../../domain/dates';
import { useAppServices } from '../../hooks/app-services';
import { useNotify } from '../../hooks/use-notify';

type Format = 'csv' | 'vcard' | 'ics';

const FILES: Readonly<Record<Format, { extension: string; mime: string }>> = {
  csv: { extension: 'csv', mime: 'text/csv;charset=utf-8' },
  vcard: { extension: 'vcf', mime: 'text/vcard;charset=utf-8' },
  ics: { extension: 'ics', mime: 'text/calendar;charset=utf-8' },
};

/** The file's text; the writers are loaded only when the member exports. */
async function write(format: Format, contacts: readonly Contact[], now: number): Promise<string> {
  switch (format) {
    case 'csv':
      return (await import('../../contacts-io/csv-write')).contactsToCsv(contacts);
    case 'vcard':
      return (await import('../../contacts-io/vcard-write')).contactsToVcard(contacts);
    case 'ics':
      return (await import('../../contacts-io/ics-write')).followUpsToIcs(contacts, { now });
  }
}

type ExportMenuProps = {
  readonly all: readonly Contact[];
  /** The list as filtered on screen, or null when nothing is filtered. */
  readonly filtered: readonly Contact[] | null;
  readonly onClose: () => void;
};

/**
 * Contacts out: all of them or the filtered list as a Google-compatible CSV or a vCard 3.0 file, and
 * follow-ups as a calendar file. Files are named fieldbook-contacts-<day>.csv and so on.
 */
export function ExportMenu({ all, filtered, onClose }: ExportMenuProps) {
  const { platform } = useAppServices();
  const notify = useNotify();
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    menu.current?.querySelector('button')?.focus();
  }, []);

  const run = async (format: Format, contacts: readonly Contact[], what: string) => {
    const how = format === 'csv' ? 'CSV' : format === 'vcard' ? 'vCard' : 'a calendar file';
    onClose();
    try {
      const now = platform.now();
      const text = await write(format, contacts, now);
      const day = toDay(new Date(now));
      const { extension, mime } = FILES[format];
      platform.download(`fieldbook-${format === 'ics' ? 'follow-ups' : 'contacts'}-${day}.${extension}`, text, mime);
      notify(`Exported ${what} as ${how}`);
    } catch (error) {
      notify(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const count = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'contact' : 'contacts'}`;
  const followUps = all.filter((contact) => contact.next_follow_up_on !== null);
  return (
    <div
      className="export-menu"
      role="group"
      aria-label="Export contacts"
      ref={menu}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      {filtered !== null ? (
        <>
          <p className="export-menu__heading">This list ({count(filtered.length)})</p>
          <button type="button" className="export-menu__item" disabled={filtered.length === 0} onClick={() => void run('csv', filtered, count(filtered.length))}>
            CSV (Google, Excel)
          </button>
          <button type="button" className="export-menu__item" disabled={filtered.length === 0} onClick={() => void run('vcard', filtered, count(filtered.length))}>
            vCard (iPhone, Android)
          </button>
        </>
      ) : null}
      <p className="export-menu__heading">All contacts ({count(all.length)})</p>
      <button type="button" className="export-menu__item" disabled={all.length === 0} onClick={() => void run('csv', all, count(all.length))}>
        {filtered !== null ? 'All as CSV' : 'CSV (Google, Excel)'}
      </button>
      <button type="button" className="export-menu__item" disabled={all.length === 0} onClick={() => void run('vcard', all, count(all.length))}>
        {filtered !== null ? 'All as vCard' : 'vCard (iPhone, Android)'}
      </button>
      <p className="export-menu__heading">Calendar</p>
      <button type="button" className="export-menu__item" disabled={followUps.length === 0} onClick={() => void run('ics', followUps, followUps.length === 1 ? '1 follow-up' : `${followUps.length} follow-ups`)}>
        {followUps.length === 0 ? 'Follow-ups (.ics): none set' : `Follow-ups (.ics): ${followUps.length}`}
      </button>
    </div>
  );
}
