import { useEffect, useState } from 'react';
import type { AppServices } from '../hooks/app-services';

type InstallPromptEvent = Event & { prompt: () => Promise<void>; userChoice: Promise<{ outcome: string }> };

const DISMISSED_KEY = 'fieldbook.install-hint-dismissed';

/** iOS: how to add to the Home Screen. Chromium: an Install button from beforeinstallprompt. Hidden once installed. */
export function InstallHint({ services }: { readonly services: AppServices }) {
  const { platform } = services;
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED_KEY) === '1');
  const [promptEvent, setPromptEvent] = useState<InstallPromptEvent | null>(null);

  useEffect(() => {
    const onPrompt = (event: Event) => {
      event.preventDefault();
      setPromptEvent(event as InstallPromptEvent);
    };
    window.addEventListener('beforeinstallprompt', onPrompt);
    return () => window.removeEventListener('beforeinstallprompt', onPrompt);
  }, []);

  if (dismissed || platform.isStandalone()) return null;
  const dismiss = () => {
    localStorage.setItem(DISMISSED_KEY, '1');
    setDismissed(true);
  };
  if (platform.device === 'ios')
    return (
      <aside className="install-hint" aria-label="Install Fieldbook">
        <p>
          Install Fieldbook: tap <strong>Share</strong>, then <strong>Add to Home Screen</strong>. It then opens full screen and keeps your data safer.
        </p>
        <button type="button" className="button button--ghost" onClick={dismiss}>
          Not now
        </button>
      </aside>
    );
  if (promptEvent)
    return (
      <aside className="install-hint" aria-label="Install Fieldbook">
        <p>Install Fieldbook for one-tap access and offline use.</p>
        <button type="button" className="button button--primary" onClick={() => void promptEvent.prompt().then(() => setPromptEvent(null))}>
          Install
        </button>
        <button type="button" className="button button--ghost" onClick={dismiss}>
          Not now
        </button>
      </aside>
    );
  return null;
}
