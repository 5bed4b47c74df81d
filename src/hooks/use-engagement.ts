import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { listContactMessages, listHotLeads, loadTemplatePerformance, type HotLeadRow, type SentMessageRow } from '../db/engagement-queries';
import type { TemplatePerformance } from '../domain/template-performance';
import { useAppServices } from './app-services';

export type { TrackedBody } from '../db/local-store';

/*
 * Live reads for tracked links. Times are rounded to the minute so a query stays the same between
 * renders; a click arriving from another device re-runs them like any other write.
 */

const MINUTE = 60_000;

/** The current minute, moving on every minute while mounted (Hot now empties as the day goes by). */
function useMinute(): number {
  const { platform } = useAppServices();
  const [minute, setMinute] = useState(() => Math.floor(platform.now() / MINUTE) * MINUTE);
  useEffect(() => {
    const timer = setInterval(() => setMinute(Math.floor(platform.now() / MINUTE) * MINUTE), MINUTE / 4);
    return () => clearInterval(timer);
  }, [platform]);
  return minute;
}

/** **Hot now**: people who opened a link in the last 24 hours and have not been reached since. */
export function useHotLeads(): HotLeadRow[] | undefined {
  const { db } = useAppServices();
  const minute = useMinute();
  return useLiveQuery(() => listHotLeads(db, minute + MINUTE), [db, minute]);
}

/** A contact's sent messages with their delivery timelines, newest first. */
export function useContactMessages(contactId: string, limit: number): SentMessageRow[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listContactMessages(db, contactId, limit), [db, contactId, limit]);
}

/** Each template's sends, clicks and click rate over the last `days` days, from this device's rows. */
export function useTemplatePerformance(days: number): TemplatePerformance[] | undefined {
  const { db } = useAppServices();
  const minute = useMinute();
  return useLiveQuery(() => loadTemplatePerformance(db, minute + MINUTE, days), [db, minute, days]);
}

/** Where tracked links point, or null in a local-only workspace (links go out as written). */
export function useLinkTracking() {
  return useAppServices().linkTracking ?? null;
}
