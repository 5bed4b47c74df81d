import { useAppServices } from '../hooks/app-services';
import { useLinkTo } from '../hooks/use-link-to';
import { usePendingCount } from '../hooks/use-pending-count';
import { useBackOnline, useSyncBanner } from '../hooks/use-sync-status';

const waiting = (count: number) => `${count.toLocaleString('en')} waiting`;

function ago(since: number | null, now: number): string {
  if (since === null) return 'not yet';
  const minutes = Math.floor((now - since) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

/** The quiet chip in the top bar: where data lives and whether it is in step with the server. */
export function SyncChip() {
  const banner = useSyncBanner();
  const { platform } = useAppServices();
  const localPending = usePendingCount() ?? 0;
  const linkTo = useLinkTo();
  let label: string;
  let count: number | null = null;
  let tone = 'quiet';
  let title: string;
  switch (banner.kind) {
    case 'local-only':
      label = 'Local only';
      count = localPending;
      title = 'Everything is saved on this device. Sign in to sync it with your other devices.';
      break;
    case 'synced':
      label = `Synced ${ago(banner.since, platform.now())}`;
      tone = 'ok';
      title = 'Everything on this device is on the server too.';
      break;
    case 'syncing':
      label = 'Syncing…';
      count = banner.pending;
      title = 'Sending your changes.';
      break;
    default:
      label = banner.kind === 'offline' ? 'Offline' : banner.kind === 'rejected' ? 'Needs review' : banner.kind === 'sign-in' ? 'Signed out' : 'Not synced';
      count = 'pending' in banner ? banner.pending : null;
      tone = 'warn';
      title = 'Your changes are saved on this device.';
  }
  return (
    <a className={`sync-chip sync-chip--${tone}`} {...linkTo(banner.kind === 'local-only' || banner.kind === 'sign-in' ? '/account' : '/settings')} title={title}>
      <span className="sync-chip__dot" aria-hidden="true" />
      <span className="sync-chip__label">{label}</span>
      {count !== null && count > 0 ? <span className="sync-chip__count">{count.toLocaleString('en')}{banner.kind === 'local-only' ? ' unsynced' : ''}</span> : null}
    </a>
  );
}

/** The one sync banner, most urgent first; nothing when all is well. Input is never blocked. */
export function SyncBanner() {
  const banner = useSyncBanner();
  const backOnline = useBackOnline();
  const { sync } = useAppServices();
  const linkTo = useLinkTo();
  const tryNow = (
    <button type="button" className="button button--small" onClick={() => sync.command('try-now')}>
      Try now
    </button>
  );
  switch (banner.kind) {
    case 'rejected':
      return (
        <div className="banner banner--error" role="alert">
          <span>
            {banner.count === 1 ? '1 change couldn’t be saved.' : `${banner.count} changes couldn’t be saved.`}
          </span>
          <a className="button button--small" {...linkTo('/sync/review')}>
            Review
          </a>
        </div>
      );
    case 'sign-in':
      return (
        <div className="banner banner--warn" role="alert">
          <span>Sign in again to sync{banner.pending > 0 ? ` (${waiting(banner.pending)})` : ''}. Your changes are safe on this device.</span>
          <a className="button button--small" {...linkTo('/account')}>
            Sign in
          </a>
        </div>
      );
    case 'offline':
      return (
        <div className="banner banner--offline">
          <span>Offline: changes are saved on this device{banner.pending > 0 ? ` (${waiting(banner.pending)})` : ''}.</span>
        </div>
      );
    case 'stale':
      return (
        <div className="banner banner--warn">
          <span>
            {banner.pending.toLocaleString('en')} {banner.pending === 1 ? 'change hasn’t' : 'changes haven’t'} synced for {banner.hours} h.
          </span>
          {tryNow}
        </div>
      );
    case 'reconnecting':
      return (
        <div className="banner banner--offline">
          <span>Reconnecting…{banner.retryInSeconds !== null ? ` retry in ${banner.retryInSeconds} s` : ''}</span>
          {tryNow}
        </div>
      );
    default:
      return backOnline ? (
        <div className="banner banner--ok">
          <span>Back online{banner.kind === 'syncing' && banner.pending > 0 ? `: syncing ${waiting(banner.pending)}` : ''}.</span>
        </div>
      ) : null;
  }
}
