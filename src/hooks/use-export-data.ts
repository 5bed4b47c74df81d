import { useCallback } from 'react';
import { exportEverything } from '../db/outbox-entries';
import { useAppServices } from './app-services';
import { useNotify } from './use-notify';

/** Downloads everything local as one JSON file. */
export function useExportData() {
  const { db, platform } = useAppServices();
  const notify = useNotify();
  return useCallback(async () => {
    try {
      const data = await exportEverything(db);
      const day = new Date(platform.now()).toISOString().slice(0, 10);
      platform.download(`fieldbook-export-${day}.json`, JSON.stringify(data, null, 2), 'application/json');
      notify('Export downloaded');
    } catch (error) {
      notify(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, [db, platform, notify]);
}
