import { createContext, useContext } from 'react';
import type { ContactIndex } from '../db/contact-index';
import type { FieldbookDb } from '../db/fieldbook-db';
import type { LocalStore } from '../db/local-store';
import type { DevicePlatform } from '../domain/contact-links';
import type { Announcer } from '../shared/announcer';
import type { Logger } from '../shared/logger';
import type { Store, Subscribable } from '../shared/subscribable';

/** Browser capabilities the screens need, implemented in adapters/browser and faked in tests. */
export type PlatformPort = {
  readonly device: DevicePlatform;
  /** Opens a tel:, sms:, mailto: or https: link in the app that handles it. */
  openExternal(url: string): void;
  /** Calls back when the app becomes visible or focused again (after a call or message app). */
  onReturn(listener: () => void): () => void;
  download(filename: string, text: string, mimeType: string): void;
  storageEstimate(): Promise<{ usage: number; quota: number } | null>;
  storagePersisted(): Promise<boolean | null>;
  requestPersistentStorage(): Promise<boolean | null>;
  isStandalone(): boolean;
  now(): number;
};

export type RouterPort = Subscribable<string> & {
  readonly navigate: (path: string, options?: { replace?: boolean }) => void;
};

export type ToastAction = { readonly label: string; readonly run: () => void };
export type Toast = { readonly id: number; readonly message: string; readonly action?: ToastAction; readonly durationMs: number };

export type ConnectionSnapshot = {
  readonly mode: 'local-only' | 'online' | 'offline' | 'reconnecting';
  readonly isConnected: boolean;
  readonly isReconnecting: boolean;
};

export type PendingOutreach = {
  readonly contactId: string;
  readonly channel: 'call' | 'text' | 'whatsapp';
  readonly templateName?: string;
  readonly startedAt: number;
};

export type StorageProblem = { readonly message: string; readonly retry: () => Promise<void> };

export type AppServices = {
  readonly db: FieldbookDb;
  readonly store: LocalStore;
  readonly contactIndex: ContactIndex;
  readonly logger: Logger;
  readonly platform: PlatformPort;
  readonly router: RouterPort;
  readonly connection: Subscribable<ConnectionSnapshot>;
  readonly toasts: Store<readonly Toast[]>;
  readonly announcements: Announcer;
  readonly pendingOutreach: Store<PendingOutreach | null>;
  readonly dirtyForms: Store<number>;
  readonly storageProblem: Store<StorageProblem | null>;
  /** Dev panel: editable in development builds, read-only in production. */
  readonly devTools: 'editable' | 'read-only';
  readonly buildId: string;
};

export const AppServicesContext = createContext<AppServices | null>(null);

export function useAppServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (services === null) throw new Error('useAppServices must be used inside <AppServicesContext.Provider>');
  return services;
}
