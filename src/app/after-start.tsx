import { useEffect } from 'react';
import { setBadge } from '../adapters/browser/app-badge';
import { listenForOpenMessages } from '../adapters/browser/sw-messages';
import { AppBadge } from '../hooks/use-app-badge';
import { useAppServices } from '../hooks/app-services';

/**
 * What the app does once the first screen is up (loaded after it, not on the first load): the app
 * badge of follow-ups due today, and the service worker's `open` messages (a notification clicked
 * while this window is open but not yet controlled by the worker).
 */
export function AfterStart() {
  const { router } = useAppServices();
  useEffect(() => listenForOpenMessages((path) => router.navigate(path)), [router]);
  return <AppBadge setBadge={setBadge} />;
}
