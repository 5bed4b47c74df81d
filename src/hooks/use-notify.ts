import { useCallback } from 'react';
import type { Announcer } from '../shared/announcer';
import type { Store } from '../shared/subscribable';
import { useAppServices, type Toast, type ToastAction } from './app-services';

/** Adds a toast (at most three at once) and announces it; also for messages that start outside React. */
export function showToast(toasts: Store<readonly Toast[]>, announcements: Announcer, message: string, action?: ToastAction, durationMs = action ? 6000 : 3500): number {
  const id = Math.max(0, ...toasts.getSnapshot().map((toast) => toast.id)) + 1;
  toasts.set((current) => [...current.slice(-2), action ? { id, message, action, durationMs } : { id, message, durationMs }]);
  announcements.announce(message);
  return id;
}

/**
 * Shows a toast and announces it through the one status region. Toasts with an action stay a little
 * longer, so "Undo" can be reached.
 */
export function useNotify() {
  const { toasts, announcements } = useAppServices();
  return useCallback(
    (message: string, action?: ToastAction, durationMs?: number) => showToast(toasts, announcements, message, action, durationMs),
    [toasts, announcements],
  );
}

export function useDismissToast() {
  const { toasts } = useAppServices();
  return useCallback((id: number) => toasts.set((current) => current.filter((toast) => toast.id !== id)), [toasts]);
}
