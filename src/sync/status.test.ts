import { describe, expect, it } from 'vitest';
import { describeSync, STALE_PENDING_MS, type SyncStatus } from './status';

const NOW = 1_800_000_000_000;
const base: SyncStatus = {
  network: 'online',
  realtime: 'subscribed',
  auth: 'signed-in',
  pendingCount: 0,
  oldestPendingAt: null,
  rejectedCount: 0,
  pushing: false,
  lastSyncedAt: NOW - 120_000,
  nextRetryAt: null,
  storagePersisted: true,
};

describe('describeSync', () => {
  it('[ST1][G12] is quiet when everything is synced', () => {
    expect(describeSync(base, NOW)).toEqual({ kind: 'synced', since: NOW - 120_000 });
  });

  it('[ST1] says offline with the number of changes kept on the device', () => {
    expect(describeSync({ ...base, network: 'offline', pendingCount: 3, oldestPendingAt: NOW - 1000 }, NOW)).toEqual({ kind: 'offline', pending: 3 });
  });

  it('[ST1] counts down to the next retry while reconnecting', () => {
    expect(describeSync({ ...base, realtime: 'reconnecting', nextRetryAt: NOW + 11_200, pendingCount: 1, oldestPendingAt: NOW }, NOW)).toEqual({
      kind: 'reconnecting',
      retryInSeconds: 12,
      pending: 1,
    });
  });

  it('[ST1] escalates changes that have waited for hours', () => {
    expect(describeSync({ ...base, pendingCount: 2, oldestPendingAt: NOW - STALE_PENDING_MS - 60_000 }, NOW)).toEqual({ kind: 'stale', pending: 2, hours: 3 });
  });

  it('[OB5] puts rejected changes first, even offline', () => {
    expect(describeSync({ ...base, network: 'offline', rejectedCount: 2, pendingCount: 5 }, NOW)).toEqual({ kind: 'rejected', count: 2 });
  });

  it('[G9] asks to sign in again when the token expired, keeping the count of queued changes', () => {
    expect(describeSync({ ...base, auth: 'token-expired', pendingCount: 4, oldestPendingAt: NOW }, NOW)).toEqual({ kind: 'sign-in', pending: 4 });
  });

  it('shows progress while changes are pushing, and the local-only state when sync is not set up', () => {
    expect(describeSync({ ...base, pushing: true, pendingCount: 3, oldestPendingAt: NOW }, NOW)).toEqual({ kind: 'syncing', pending: 3 });
    expect(describeSync({ ...base, auth: 'local-only', pendingCount: 7 }, NOW)).toEqual({ kind: 'local-only', pending: 7 });
  });
});
