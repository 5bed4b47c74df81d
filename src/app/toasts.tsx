import { useEffect } from 'react';
import { useAppServices } from '../hooks/app-services';
import { useDismissToast } from '../hooks/use-notify';
import { useStoreValue } from '../hooks/use-store-value';
import type { ReactNode } from 'react';

function TimedToast({ id, durationMs, children }: { readonly id: number; readonly durationMs: number; readonly children: ReactNode }) {
  const dismiss = useDismissToast();
  useEffect(() => {
    const timer = setTimeout(() => dismiss(id), durationMs);
    return () => clearTimeout(timer);
  }, [id, durationMs, dismiss]);
  return <div className="toast">{children}</div>;
}

/** Transient messages with an optional action (Undo, View). Their text is also announced by the status region. */
export function Toasts({ sticky }: { readonly sticky: ReactNode }) {
  const { toasts } = useAppServices();
  const dismiss = useDismissToast();
  const items = useStoreValue(toasts);
  return (
    <div className="toasts">
      {sticky}
      {items.map((toast) => (
        <TimedToast key={toast.id} id={toast.id} durationMs={toast.durationMs}>
          <span>{toast.message}</span>
          {toast.action ? (
            <button
              type="button"
              className="toast__action"
              onClick={() => {
                toast.action?.run();
                dismiss(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          ) : null}
        </TimedToast>
      ))}
    </div>
  );
}
