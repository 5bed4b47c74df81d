import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import type { ColumnChoiceId } from '../../contacts-io/csv-read';
import type { LegacyEncoding } from '../../contacts-io/decode-text';
import { CONTACT_STAGES, CONTACT_TYPE_LABELS, CONTACT_TYPES, STAGE_LABELS, type ContactStage, type ContactType } from '../../domain/contact';
import { toDay } from '../../domain/dates';
import { useAppServices } from '../../hooks/app-services';
import { useContactImports } from '../../hooks/use-contact-imports';
import { useDeviceSettings } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { useLinkTo } from '../../hooks/use-link-to';
import { SelectField, TextField } from '../../ui/field';
import { ColumnMapper } from './column-mapper';
import { ImportPreviewView } from './import-preview';
import { toExistingContact, type BuiltRow, type ImportPhase, type ImportPreview, type ImportResponse, type MatchChoice, type PickedContact } from './import-protocol';
import { MAX_FILE_BYTES, MAX_FILE_LABEL } from './import-limits';
import { createImportRunner, type ImportRunner } from './import-runner';
import { RecentImports } from './recent-imports';

/*
 * Import contacts: choose a file (or drop one, or pick from the phone), look at the preview, adjust
 * the batch's defaults and what happens to people already in the list, then confirm. Nothing is
 * written before the confirm; the whole import is one batch that Undo removes.
 */

/** The Contact Picker as the app provides it (adapters/browser/contact-picker.ts); absent in tests. */
export type ContactPickerPort = { readonly supported: boolean; readonly pick: () => Promise<readonly PickedContact[]> };

const ACCEPT = '.vcf,.vcard,.csv,.txt,text/vcard,text/x-vcard,text/csv,text/plain';

type Stage =
  | { readonly kind: 'choose'; readonly error: string | null }
  | { readonly kind: 'reading'; readonly phase: ImportPhase; readonly done: number; readonly total: number }
  | { readonly kind: 'preview'; readonly preview: ImportPreview; readonly error: string | null }
  | { readonly kind: 'writing'; readonly preview: ImportPreview; readonly done: number; readonly total: number };

type Defaults = { readonly stage: ContactStage; readonly contact_type: ContactType; readonly lead_source: string; readonly tag: string };

const PHASE_LABELS: Readonly<Record<ImportPhase, string>> = {
  reading: 'Reading the file…',
  parsing: 'Reading contacts…',
  matching: 'Looking for people already in your list…',
  building: 'Preparing the import…',
};

const ENCODING_OPTIONS: readonly { readonly value: 'auto' | LegacyEncoding; readonly label: string }[] = [
  { value: 'auto', label: 'Automatic (UTF-8, else Western)' },
  { value: 'windows-1252', label: 'Windows-1252 (Western European)' },
  { value: 'shift_jis', label: 'Shift-JIS (Japanese)' },
];

export function ImportScreen({ loadContactPicker }: { readonly loadContactPicker?: () => Promise<ContactPickerPort> }) {
  const { platform, announcements, droppedFile } = useAppServices();
  const imports = useContactImports();
  const settings = useDeviceSettings();
  const notify = useNotify();
  const linkTo = useLinkTo();
  const fileInput = useRef<HTMLInputElement>(null);
  const headingId = useId();

  const [stage, setStage] = useState<Stage>({ kind: 'choose', error: null });
  const [dragging, setDragging] = useState(false);
  const [picker, setPicker] = useState<ContactPickerPort | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<'auto' | LegacyEncoding>('auto');
  const [defaults, setDefaults] = useState<Defaults>(() => ({ stage: 'new', contact_type: 'customer', lead_source: '', tag: `imported ${toDay(new Date(platform.now()))}` }));
  const leadSourceEdited = useRef(false);
  const [choice, setChoice] = useState<MatchChoice>('merge');
  const [overrides, setOverrides] = useState<ReadonlyMap<number, MatchChoice>>(new Map());
  const [mapping, setMapping] = useState<readonly (ColumnChoiceId | null)[] | null>(null);

  const runner = useRef<ImportRunner | null>(null);
  const built = useRef<{ rows: BuiltRow[]; resolve: (value: { rows: BuiltRow[]; unchanged: number; skipped: number } | null) => void } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const previewRef = useRef<ImportPreview | null>(null);

  const fail = useCallback(
    (message: string) => {
      announcements.announce(message);
      const preview = previewRef.current;
      setStage(preview ? { kind: 'preview', preview, error: message } : { kind: 'choose', error: message });
    },
    [announcements],
  );

  const onResponse = useCallback(
    (response: ImportResponse) => {
      switch (response.type) {
        case 'progress':
          if (built.current === null) setStage({ kind: 'reading', phase: response.phase, done: response.done, total: response.total });
          return;
        case 'preview': {
          previewRef.current = response.preview;
          setOverrides(new Map());
          if (!leadSourceEdited.current) setDefaults((current) => ({ ...current, lead_source: response.preview.source }));
          setStage({ kind: 'preview', preview: response.preview, error: null });
          const { found, importable } = response.preview;
          announcements.announce(`${found.toLocaleString('en-US')} contact${found === 1 ? '' : 's'} found, ${importable.toLocaleString('en-US')} can be imported.`);
          return;
        }
        case 'rows': {
          const pending = built.current;
          if (!pending) return;
          for (const row of response.rows) pending.rows.push(row);
          if (response.last) {
            built.current = null;
            pending.resolve({ rows: pending.rows, unchanged: response.unchanged, skipped: response.skipped });
          }
          return;
        }
        case 'failed':
          built.current?.resolve(null);
          built.current = null;
          fail(response.message);
          return;
      }
    },
    [announcements, fail],
  );

  const getRunner = useCallback(() => (runner.current ??= createImportRunner(onResponse)), [onResponse]);

  useEffect(() => () => runner.current?.dispose(), []);

  useEffect(() => {
    let live = true;
    loadContactPicker?.()
      .then((loaded) => live && loaded.supported && setPicker(loaded))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [loadContactPicker]);

  const openFile = useCallback(
    async (chosen: File, legacy: 'auto' | LegacyEncoding) => {
      if (chosen.size > MAX_FILE_BYTES) {
        fail(`"${chosen.name}" is ${(chosen.size / (1024 * 1024)).toFixed(1)} MB; files up to ${MAX_FILE_LABEL} can be imported. Split it into smaller files and import each.`);
        return;
      }
      previewRef.current = null;
      setFile(chosen);
      setMapping(null);
      setStage({ kind: 'reading', phase: 'reading', done: 0, total: chosen.size });
      const existing = (await imports.existingContacts()).map(toExistingContact);
      getRunner().send({ type: 'open', file: chosen, fileName: chosen.name, legacy: legacy === 'auto' ? null : legacy, callingCode: settings.country_code, existing });
    },
    [fail, getRunner, imports, settings.country_code],
  );

  const chooseFile = (chosen: File | undefined) => {
    if (!chosen) return;
    setEncoding('auto');
    void openFile(chosen, 'auto');
  };

  // A file dropped on the contacts list opens here.
  const handedOver = useRef(false);
  useEffect(() => {
    const dropped = droppedFile.getSnapshot();
    if (handedOver.current || dropped === null) return;
    handedOver.current = true;
    droppedFile.set(null);
    void openFile(dropped, 'auto');
  }, [droppedFile, openFile]);

  const pickFromPhone = async () => {
    if (!picker) return;
    try {
      const picked = await picker.pick();
      if (picked.length === 0) return;
      previewRef.current = null;
      setFile(null);
      setStage({ kind: 'reading', phase: 'parsing', done: 0, total: picked.length });
      const existing = (await imports.existingContacts()).map(toExistingContact);
      getRunner().send({ type: 'picked', picked, callingCode: settings.country_code, existing });
    } catch (error) {
      fail(`The phone's contacts could not be read (${error instanceof Error ? error.message : String(error)}).`);
    }
  };

  const cancelReading = () => {
    runner.current?.cancel();
    runner.current = null;
    built.current?.resolve(null);
    built.current = null;
    previewRef.current = null;
    setStage({ kind: 'choose', error: null });
    announcements.announce('Import cancelled. Nothing was imported.');
  };

  const startOver = () => {
    runner.current?.cancel();
    runner.current = null;
    previewRef.current = null;
    setFile(null);
    setStage({ kind: 'choose', error: null });
  };

  const remap = (next: readonly (ColumnChoiceId | null)[]) => {
    setMapping(next);
    setStage({ kind: 'reading', phase: 'parsing', done: 0, total: 1 });
    getRunner().send({ type: 'remap', choices: next });
  };

  const changeEncoding = (next: 'auto' | LegacyEncoding) => {
    setEncoding(next);
    if (file) void openFile(file, next);
  };

  const confirm = async (preview: ImportPreview) => {
    const matchedIds = [...new Set(preview.matches.map((match) => match.contactId))];
    const fresh = await imports.freshContacts(matchedIds);
    const result = await new Promise<{ rows: BuiltRow[]; unchanged: number; skipped: number } | null>((resolve) => {
      built.current = { rows: [], resolve };
      setStage({ kind: 'writing', preview, done: 0, total: preview.importable });
      getRunner().send({ type: 'build', defaults, choice, overrides: [...overrides], fresh });
    });
    if (result === null) return;
    // Lets the benchmark split the commit into building the rows and writing them.
    performance.mark('import:rows-built');
    const { rows, unchanged, skipped } = result;
    if (rows.length === 0) {
      setStage({ kind: 'choose', error: null });
      previewRef.current = null;
      notify(`Nothing to import: ${describeLeftAlone(unchanged, skipped)}.`);
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    setStage({ kind: 'writing', preview, done: 0, total: rows.length });
    const written = await imports.importContacts({
      source: preview.source,
      fileName: preview.fileName,
      rows,
      onProgress: (done, total) => setStage({ kind: 'writing', preview, done, total }),
      signal: controller.signal,
    });
    abort.current = null;
    if (!written.ok) {
      fail(`The import stopped: ${written.error.message} Nothing was kept.`);
      return;
    }
    previewRef.current = null;
    setFile(null);
    setStage({ kind: 'choose', error: null });
    runner.current?.dispose();
    runner.current = null;
    if (written.value.cancelled) {
      notify('Import cancelled. Nothing was imported.');
      return;
    }
    const { created, merged, importId } = written.value;
    const total = created + merged;
    const extra = [merged > 0 ? `${merged.toLocaleString('en-US')} merged into existing contacts` : '', unchanged + skipped > 0 ? describeLeftAlone(unchanged, skipped) : '']
      .filter((part) => part !== '')
      .join('; ');
    notify(`Imported ${total.toLocaleString('en-US')} contact${total === 1 ? '' : 's'}${extra ? ` (${extra})` : ''}`, {
      label: 'Undo',
      run: () => void undo(importId),
    }, 10_000);
  };

  const undo = async (importId: string) => {
    const result = await imports.undoImport(importId);
    if (!result.ok) {
      notify(`Undo failed: ${result.error.message}`);
      return;
    }
    const { removed, restored } = result.value;
    notify(`Import undone: ${removed.toLocaleString('en-US')} removed${restored > 0 ? `, ${restored.toLocaleString('en-US')} restored` : ''}`);
  };

  const onDragOver = (event: DragEvent) => {
    if (![...event.dataTransfer.types].includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    if (!dragging) setDragging(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (stage.kind === 'reading' || stage.kind === 'writing') return;
    chooseFile(event.dataTransfer.files[0]);
  };

  const busy = stage.kind === 'reading' || stage.kind === 'writing';

  const mapper = (preview: ImportPreview) =>
    preview.columns === null ? null : <ColumnMapper columns={preview.columns} choices={preview.columnChoices} open={preview.needsMapping} value={mapping} onChange={remap} />;

  return (
    <section
      className={`screen import${dragging ? ' import--dragging' : ''}`}
      aria-labelledby={headingId}
      onDragOver={onDragOver}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header className="screen__header">
        <h1 id={headingId}>Import contacts</h1>
        <a className="button button--ghost" {...linkTo('/contacts')}>
          Back to contacts
        </a>
      </header>

      {stage.kind === 'choose' ? (
        <div className="card import__sources">
          <h2>Where are your contacts?</h2>
          <p className="subtle">
            A vCard file (.vcf) from iPhone or Android Contacts, or a spreadsheet (.csv) from Google Contacts, Outlook, HubSpot or any other app. Files up to {MAX_FILE_LABEL}.
            Nothing is saved until you have seen the preview and confirmed.
          </p>
          {stage.error ? (
            <p className="form__error" role="alert">
              {stage.error}
            </p>
          ) : null}
          <div className="import__drop">
            <p className="import__drop-text" aria-hidden="true">
              {dragging ? 'Drop the file to read it' : 'Drag a file here, or'}
            </p>
            <div className="import__drop-actions">
              <button type="button" className="button button--primary" onClick={() => fileInput.current?.click()}>
                Choose a file
              </button>
              {picker ? (
                <button type="button" className="button" onClick={() => void pickFromPhone()}>
                  Pick from phone contacts
                </button>
              ) : null}
            </div>
          </div>
          <label className="visually-hidden" htmlFor={`${headingId}-file`}>
            Contacts file
          </label>
          <input
            id={`${headingId}-file`}
            ref={fileInput}
            className="visually-hidden"
            type="file"
            accept={ACCEPT}
            tabIndex={-1}
            onChange={(event) => {
              chooseFile(event.target.files?.[0]);
              event.target.value = '';
            }}
          />
        </div>
      ) : null}

      {stage.kind === 'reading' ? (
        <div className="card import__progress">
          <ProgressBar label={PHASE_LABELS[stage.phase]} done={stage.done} total={stage.total} bytes={stage.phase === 'reading'} />
          <div className="form__actions form__actions--start">
            <button type="button" className="button" onClick={cancelReading}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}

      {stage.kind === 'writing' ? (
        <div className="card import__progress">
          <ProgressBar label={`Importing from ${stage.preview.fileName}…`} done={stage.done} total={stage.total} bytes={false} />
          <div className="form__actions form__actions--start">
            <button
              type="button"
              className="button"
              onClick={() => {
                if (abort.current) abort.current.abort();
                else cancelReading();
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}

      {stage.kind === 'preview' ? (
        <>
          {stage.error ? (
            <p className="form__error" role="alert">
              {stage.error}
            </p>
          ) : null}
          <ImportPreviewView
            preview={stage.preview}
            choice={choice}
            onChoice={(next) => {
              setChoice(next);
              setOverrides(new Map());
            }}
            overrides={overrides}
            onOverride={(row, next) => setOverrides((current) => new Map(current).set(row, next))}
            afterSummary={stage.preview.needsMapping ? mapper(stage.preview) : null}
          />
          {stage.preview.columns !== null && !stage.preview.needsMapping ? mapper(stage.preview) : null}
          {stage.preview.importable > 0 ? (
            <fieldset className="card import__defaults">
              <legend>For every imported contact</legend>
              <p className="hint">The file&apos;s own values win where it has them.</p>
              <div className="form__row">
                <SelectField
                  label="Stage"
                  name="stage"
                  value={defaults.stage}
                  onChange={(value) => setDefaults((current) => ({ ...current, stage: value }))}
                  options={CONTACT_STAGES.map((value) => ({ value, label: STAGE_LABELS[value] }))}
                />
                <SelectField
                  label="Type"
                  name="contact_type"
                  value={defaults.contact_type}
                  onChange={(value) => setDefaults((current) => ({ ...current, contact_type: value }))}
                  options={CONTACT_TYPES.map((value) => ({ value, label: CONTACT_TYPE_LABELS[value] }))}
                />
              </div>
              <div className="form__row">
                <TextField
                  label="Lead source"
                  name="lead_source"
                  value={defaults.lead_source}
                  onChange={(value) => {
                    leadSourceEdited.current = true;
                    setDefaults((current) => ({ ...current, lead_source: value }));
                  }}
                />
                <TextField
                  label="Tag for this batch"
                  name="tag"
                  value={defaults.tag}
                  onChange={(value) => setDefaults((current) => ({ ...current, tag: value }))}
                  hint="Find these contacts again by searching for it. Leave empty for no tag."
                />
              </div>
            </fieldset>
          ) : null}
          {file !== null ? (
            <details className="card import__details" open={stage.preview.looksGarbled}>
              <summary>
                Letters look wrong?
                <span className="hint">Read as {stage.preview.encoding.toUpperCase()}. Choose another encoding if names show odd characters.</span>
              </summary>
              {stage.preview.looksGarbled ? (
                <p className="import__warning" role="alert">
                  Some letters look wrong (like Ã© or �). Try Windows-1252 for files from Windows, or Shift-JIS for Japanese phones.
                </p>
              ) : null}
              <SelectField label="Text encoding" name="encoding" value={encoding} onChange={changeEncoding} options={ENCODING_OPTIONS} />
            </details>
          ) : null}
          <div className="import__confirm">
            {stage.preview.importable > 0 ? <p className="hint">{plan(stage.preview, choice, overrides).summary}</p> : null}
            <div className="form__actions">
              <button type="button" className="button" onClick={startOver}>
                Start over
              </button>
              {stage.preview.importable > 0 ? (
                <button type="button" className="button button--primary" onClick={() => void confirm(stage.preview)}>
                  {plan(stage.preview, choice, overrides).label}
                </button>
              ) : null}
            </div>
          </div>
        </>
      ) : null}

      {!busy ? <RecentImports onUndo={(id) => void undo(id)} now={platform.now()} /> : null}
    </section>
  );
}

function ProgressBar({ label, done, total, bytes }: { readonly label: string; readonly done: number; readonly total: number; readonly bytes: boolean }) {
  const id = useId();
  const known = total > 0 && !bytes;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="import__bar">
      <label htmlFor={id}>{label}</label>
      {percent === null ? <progress id={id} /> : <progress id={id} max={total} value={Math.min(done, total)} />}
      <p className="hint" aria-live="off">
        {percent === null ? 'Working…' : `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} (${percent}%)`}
      </p>
    </div>
  );
}

/**
 * What the confirm button will do: "Import 12 contacts", "Import 12 new, merge 3", "Merge 3 into
 * your list", or "Import the valid rows, skip the rest" when some rows cannot be imported; and the
 * same in one line of counts for above the button.
 */
function plan(preview: ImportPreview, choice: MatchChoice, overrides: ReadonlyMap<number, MatchChoice>): { label: string; summary: string } {
  let created = preview.newCount;
  let merged = 0;
  let skipped = 0;
  for (const match of preview.matches) {
    const chosen = overrides.get(match.row) ?? choice;
    if (chosen === 'new') created++;
    else if (chosen === 'merge') merged++;
    else skipped++;
  }
  const n = (value: number) => value.toLocaleString('en-US');
  const bad = preview.problems.length + preview.moreProblems;
  const summary = [
    `${n(created)} new`,
    merged > 0 ? `${n(merged)} to merge` : '',
    skipped > 0 ? `${n(skipped)} skipped` : '',
    bad > 0 ? `${n(bad)} row${bad === 1 ? '' : 's'} left out` : '',
  ]
    .filter((part) => part !== '')
    .join(' · ');
  if (bad > 0) return { label: 'Import the valid rows, skip the rest', summary };
  if (created > 0 && merged > 0) return { label: `Import ${n(created)} new, merge ${n(merged)}`, summary };
  if (created > 0) return { label: `Import ${n(created)} contact${created === 1 ? '' : 's'}`, summary };
  if (merged > 0) return { label: `Merge ${n(merged)} into your list`, summary };
  return { label: 'Import nothing (all skipped)', summary };
}

function describeLeftAlone(unchanged: number, skipped: number): string {
  const parts: string[] = [];
  if (unchanged > 0) parts.push(`${unchanged.toLocaleString('en-US')} already up to date`);
  if (skipped > 0) parts.push(`${skipped.toLocaleString('en-US')} skipped`);
  return parts.join(', ');
}
