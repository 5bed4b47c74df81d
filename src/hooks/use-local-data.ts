import { useLiveQuery } from 'dexie-react-hooks';
import type { Contact } from '../domain/contact';
import { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from '../domain/device-settings';
import type { EmailTemplate } from '../domain/email-template';
import type { MemberActivity } from '../domain/member-activity';
import type { MemberProfile } from '../domain/member-profile';
import {
  getContact,
  getDeviceSettings,
  getProfile,
  listActivitiesForContact,
  listDueFollowUps,
  listQuietContacts,
  listTemplates,
} from '../db/queries';
import { useAppServices } from './app-services';

/*
 * Live reads for the screens. Each is one useLiveQuery over a plain query function: it re-runs when a
 * write in this tab or another tab touches what it read. `undefined` means "still loading".
 */

export function useContact(id: string): Contact | null | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => getContact(db, id), [db, id]);
}

export function useDueFollowUps(today: string): Contact[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listDueFollowUps(db, today), [db, today]);
}

export function useQuietContacts(cutoff: string, limit: number): Contact[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listQuietContacts(db, cutoff, limit), [db, cutoff, limit]);
}

export function useTemplates(): EmailTemplate[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listTemplates(db), [db]);
}

export function useProfile(): MemberProfile | null | undefined {
  const { db, store } = useAppServices();
  return useLiveQuery(() => getProfile(db, store.memberId), [db, store.memberId]);
}

/** Device settings as stored (undefined while loading), for the settings form. */
export function useStoredDeviceSettings(): DeviceSettings | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => getDeviceSettings(db), [db]);
}

/** Device settings, with the defaults while they load. */
export function useDeviceSettings(): DeviceSettings {
  return useStoredDeviceSettings() ?? DEFAULT_DEVICE_SETTINGS;
}

export function useContactActivities(contactId: string, limit: number): MemberActivity[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listActivitiesForContact(db, contactId, limit), [db, contactId, limit]);
}
