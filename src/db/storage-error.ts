/*
 * IndexedDB fails in a few ways a user can act on: the disk is full, the database was closed under us
 * (iOS closes it when a backgrounded app wakes), another tab upgraded the schema (this tab's code is
 * now older than the data: it must reload, never reopen), or an open is blocked by an old tab. Each
 * maps to one kind with a message a person can read.
 */

export type StorageErrorKind = 'quota' | 'closed' | 'replaced' | 'blocked' | 'unknown';

export type StorageError = { readonly kind: StorageErrorKind; readonly message: string; readonly cause: unknown };

const MESSAGES: Readonly<Record<StorageErrorKind, string>> = {
  quota: 'Your device is out of storage space, so this change was not saved. Free up some space and try again; what you typed is still here.',
  closed: 'The local database was closed by the browser. Fieldbook reopened it; please try again.',
  replaced: 'Fieldbook was updated in another tab. Reload to continue; nothing is lost.',
  blocked: 'Fieldbook is open in another tab with an older version. Close the other tabs to continue.',
  unknown: 'Saving on this device failed. What you typed is still here; please try again.',
};

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { name, inner } = error as { name?: unknown; inner?: unknown };
  if (name === 'AbortError' || name === 'DexieError' || name === 'OpenFailedError') {
    const innerName = errorName(inner);
    if (innerName !== '') return innerName;
  }
  return typeof name === 'string' ? name : '';
}

/** The database was upgraded by a newer version of the app in another tab: this tab must reload. */
export class ReplacedDatabaseError extends Error {
  constructor() {
    super('The database was upgraded by another tab');
    this.name = 'ReplacedDatabaseError';
  }
}

export function toStorageError(error: unknown): StorageError {
  const name = errorName(error);
  const kind: StorageErrorKind =
    name === 'QuotaExceededError'
      ? 'quota'
      : name === 'ReplacedDatabaseError'
        ? 'replaced'
        : name === 'DatabaseClosedError' || name === 'InvalidStateError' || name === 'TransactionInactiveError'
          ? 'closed'
          : name === 'VersionChangeError' || name === 'BlockedError'
            ? 'blocked'
            : 'unknown';
  return { kind, message: MESSAGES[kind], cause: error };
}
