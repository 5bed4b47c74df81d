import { useEffect } from 'react';
import { useAppServices } from './app-services';

/** Registers a form with unsaved input, so the "Update available" prompt waits until it is saved or left. */
export function useDirtyForm(isDirty: boolean): void {
  const { dirtyForms } = useAppServices();
  useEffect(() => {
    if (!isDirty) return;
    dirtyForms.set((count) => count + 1);
    return () => dirtyForms.set((count) => count - 1);
  }, [isDirty, dirtyForms]);
}
