import { useEffect, useState } from 'react';
import { useAppServices } from './app-services';

export type StorageStatus = { readonly usage: number; readonly quota: number } | null;

/** The browser's storage estimate and whether storage is persisted (undefined while asking). */
export function useStorageStatus(refreshKey: unknown) {
  const { platform } = useAppServices();
  const [status, setStatus] = useState<{ estimate: StorageStatus; persisted: boolean | null } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void Promise.all([platform.storageEstimate(), platform.storagePersisted()]).then(([estimate, persisted]) => {
      if (live) setStatus({ estimate, persisted });
    });
    return () => {
      live = false;
    };
  }, [platform, refreshKey]);
  return status;
}
