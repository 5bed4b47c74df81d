import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { AppServicesContext, type AppServices } from '../hooks/app-services';
import { useRoute, type Route } from '../hooks/use-route';
import { useLinkTo } from '../hooks/use-link-to';
import { useStoreValue } from '../hooks/use-store-value';
import { TodayScreen } from '../features/today/today-screen';
import { ContactsScreen } from '../features/contacts/contacts-screen';
import { ContactScreen } from '../features/contacts/contact-screen';
import { ActivityFeed } from '../features/activity-feed/activity-feed';
import { EmptyState } from '../ui/empty-state';

// Screens with forms (and zod) load on first use, keeping the start screen's JavaScript small.
const ContactNewScreen = lazy(() => import('../features/contacts/contact-new-screen').then((m) => ({ default: m.ContactNewScreen })));
const ContactEditScreen = lazy(() => import('../features/contacts/contact-edit-screen').then((m) => ({ default: m.ContactEditScreen })));
// Mounted at start but needed only after a call or message: loaded just after the first render.
const OutcomeSheet = lazy(() => import('../features/contacts/outcome-sheet').then((m) => ({ default: m.OutcomeSheet })));
// A signed-in member's day summary for their upline (counts only), kept up to date in the background.
const DailySummaryWriter = lazy(() => import('../features/goals/daily-summary-writer').then((m) => ({ default: m.DailySummaryWriter })));
const WinPoster = lazy(() => import('../features/team/win-poster').then((m) => ({ default: m.WinPoster })));
const AfterStart = lazy(() => import('./after-start').then((m) => ({ default: m.AfterStart })));
const ImportScreen = lazy(() => import('../features/import/import-screen').then((m) => ({ default: m.ImportScreen })));
/** The Contact Picker adapter loads with the import screen, never in the first load. */
const loadContactPicker = () => import('../adapters/browser/contact-picker').then((m) => m.createContactPicker());
const DuplicatesScreen = lazy(() => import('../features/duplicates/duplicates-screen').then((m) => ({ default: m.DuplicatesScreen })));
const TemplatesScreen = lazy(() => import('../features/emails/templates-screen').then((m) => ({ default: m.TemplatesScreen })));
const SettingsScreen = lazy(() => import('../features/settings/settings-screen').then((m) => ({ default: m.SettingsScreen })));
const AccountScreen = lazy(() => import('../features/account/account-screen').then((m) => ({ default: m.AccountScreen })));
const SyncReviewScreen = lazy(() => import('../features/sync/sync-review-screen').then((m) => ({ default: m.SyncReviewScreen })));
// The dashboard's charts (d3) and the goals screens load on first use.
const DashboardScreen = lazy(() => import('../features/dashboard/dashboard-screen').then((m) => ({ default: m.DashboardScreen })));
const GoalsScreen = lazy(() => import('../features/goals/goals-screen').then((m) => ({ default: m.GoalsScreen })));
const ReviewScreen = lazy(() => import('../features/goals/review-screen').then((m) => ({ default: m.ReviewScreen })));
const TeamScreen = lazy(() => import('../features/team/team-screen').then((m) => ({ default: m.TeamScreen })));
const DevPanelScreen = lazy(() => import('../features/dev-panel/dev-panel-screen').then((m) => ({ default: m.DevPanelScreen })));
import { Icon, type IconName } from '../ui/icon';
import { ErrorBoundary } from './error-boundary';
import { InstallHint } from './install-hint';
import { PwaPrompts } from './pwa-prompts';
import { StatusRegion } from './status-region';
import { SyncBanner, SyncChip } from './sync-banner';
import { Toasts } from './toasts';

const CONTACT_INDEX_PRELOAD_MS = 300;

const NAV: readonly { readonly path: string; readonly label: string; readonly icon: IconName; readonly match: readonly Route['name'][] }[] = [
  { path: '/today', label: 'Today', icon: 'today', match: ['today', 'goals', 'review'] },
  { path: '/contacts', label: 'Contacts', icon: 'contacts', match: ['contacts', 'contact', 'contact-edit', 'contact-new', 'contacts-import', 'contacts-duplicates'] },
  { path: '/dashboard', label: 'Dashboard', icon: 'dashboard', match: ['dashboard', 'activity'] },
  { path: '/templates', label: 'Templates', icon: 'templates', match: ['templates'] },
  { path: '/team', label: 'Team', icon: 'team', match: ['team'] },
  { path: '/settings', label: 'Settings', icon: 'settings', match: ['settings', 'dev', 'account', 'sync-review'] },
];

function Screen({ route }: { readonly route: Route }): ReactNode {
  switch (route.name) {
    case 'today':
      return <TodayScreen />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'goals':
      return <GoalsScreen />;
    case 'review':
      return <ReviewScreen />;
    case 'contacts':
      return <ContactsScreen />;
    case 'contact-new':
      return <ContactNewScreen />;
    case 'contacts-import':
      return <ImportScreen loadContactPicker={loadContactPicker} />;
    case 'contacts-duplicates':
      return <DuplicatesScreen />;
    case 'contact':
      return <ContactScreen id={route.id} />;
    case 'contact-edit':
      return <ContactEditScreen id={route.id} />;
    case 'activity':
      return (
        <section className="screen">
          <ActivityFeed title="Activity" limit={50} />
        </section>
      );
    case 'templates':
      return <TemplatesScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'dev':
      return <DevPanelScreen />;
    case 'account':
      return <AccountScreen />;
    case 'sync-review':
      return <SyncReviewScreen />;
    case 'team':
      return <TeamScreen code={route.code} />;
    case 'not-found':
      return <EmptyState title="Page not found">There is nothing at {route.path}.</EmptyState>;
  }
}

function Shell({ services }: { readonly services: AppServices }) {
  const route = useRoute();
  const linkTo = useLinkTo();
  const problem = useStoreValue(services.storageProblem);
  // Development builds give Diagnostics its own tab; production reaches it from Settings.
  const navItems =
    services.devTools === 'editable'
      ? [...NAV.map((item) => ({ ...item, match: item.match.filter((name) => name !== 'dev') })), { path: '/dev', label: 'Dev', icon: 'dev' as const, match: ['dev'] as const }]
      : NAV;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a
          className="brand"
          {...linkTo('/today')}
        >
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Fieldbook</span>
        </a>
        <SyncChip />
      </header>
      {problem ? (
        <div className="banner banner--error" role="alert">
          <span>{problem.message}</span>
          <button type="button" className="button" onClick={() => void problem.retry()}>
            Try again
          </button>
        </div>
      ) : null}
      <SyncBanner />
      <nav className="nav" aria-label="Main">
        <ul>
          {navItems.map((item) => {
            const active = item.match.includes(route.name);
            return (
              <li key={item.path}>
                <a {...linkTo(item.path)} aria-current={active ? 'page' : undefined}>
                  <Icon name={item.icon} />
                  <span className="nav__label">{item.label}</span>
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="main">
        {route.name === 'today' ? <InstallHint services={services} /> : null}
        <ErrorBoundary
          resetKey={route.name + ('id' in route ? route.id : '')}
          onRetry={async () => {
            if (!services.db.isOpen()) await services.db.open();
          }}
        >
          <Suspense fallback={<p className="loading screen">Loading…</p>}>
            <Screen route={route} />
          </Suspense>
        </ErrorBoundary>
      </main>
      <Suspense fallback={null}>
        <OutcomeSheet />
        {services.account !== null ? <DailySummaryWriter /> : null}
        {services.team ? <WinPoster /> : null}
        <AfterStart />
      </Suspense>
      <Toasts sticky={<PwaPrompts />} />
    </div>
  );
}

/** The app: services in context, the one status region, the shell. */
export function App({ services }: { readonly services: AppServices }) {
  useEffect(
    // Ask the browser to keep our data once the member has something worth keeping.
    () => {
      const stop = services.store.onCommit(() => {
        stop();
        void services.platform.requestPersistentStorage();
      });
      return stop;
    },
    [services],
  );
  // Load the contact index just after the first screen has painted, so Contacts opens warm.
  useEffect(() => {
    const timer = setTimeout(services.contactIndex.start, CONTACT_INDEX_PRELOAD_MS);
    return () => clearTimeout(timer);
  }, [services]);
  return (
    <AppServicesContext.Provider value={services}>
      <StatusRegion announcements={services.announcements} />
      <Shell services={services} />
    </AppServicesContext.Provider>
  );
}
