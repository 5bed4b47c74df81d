import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { AppServicesContext, type AppServices, type PendingOutreach, type PlatformPort, type StorageProblem, type TeamPort, type Toast } from '../../src/hooks/app-services';
import { createContactIndex } from '../../src/db/contact-index';
import { createLogger } from '../../src/shared/logger';
import { createAnnouncer } from '../../src/shared/announcer';
import { createStore } from '../../src/shared/subscribable';
import { createLocalOnlySync } from '../../src/sync/local-only';
import { createTestStore, type TestStore } from './test-store';

export type FakePlatform = PlatformPort & { opened: string[]; returnToApp: () => void; reloads: number };

/** A platform fake: records opened links and lets a test say "the user came back to the app". */
export function createFakePlatform(now: () => number): FakePlatform {
  const listeners = new Set<() => void>();
  const opened: string[] = [];
  return {
    device: 'android',
    opened,
    now,
    openExternal: (url) => void opened.push(url),
    onReturn: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    returnToApp: () => listeners.forEach((listener) => listener()),
    download: () => undefined,
    storageEstimate: () => Promise.resolve({ usage: 1024, quota: 1024 * 1024 }),
    storagePersisted: () => Promise.resolve(false),
    requestPersistentStorage: () => Promise.resolve(true),
    isStandalone: () => false,
    reloads: 0,
    reload() {
      this.reloads += 1;
    },
  };
}

export type Harness = TestStore & { services: AppServices; platform: FakePlatform; path: () => string };

/** `team`: a fake team port for the team screen (none by default: the local-only app). */
export async function createHarness(options: { readonly team?: TeamPort | null } = {}): Promise<Harness> {
  const test = await createTestStore();
  const platform = createFakePlatform(test.clock.now);
  const route = createStore('/');
  const services: AppServices = {
    db: test.db,
    store: test.store,
    contactIndex: createContactIndex(test.db),
    logger: createLogger(),
    platform,
    router: { subscribe: route.subscribe, getSnapshot: route.getSnapshot, navigate: (path) => route.set(path) },
    sync: createLocalOnlySync(),
    account: null,
    team: options.team ?? null,
    toasts: createStore<readonly Toast[]>([]),
    announcements: createAnnouncer(),
    pendingOutreach: createStore<PendingOutreach | null>(null),
    droppedFile: createStore<File | null>(null),
    dirtyForms: createStore(0),
    storageProblem: createStore<StorageProblem | null>(null),
    devTools: 'editable',
    buildId: 'test',
  };
  return { ...test, services, platform, path: route.getSnapshot };
}

export function renderWith(harness: Harness, ui: ReactElement) {
  return render(<AppServicesContext.Provider value={harness.services}>{ui}</AppServicesContext.Provider>);
}
