import { setBadge } from '../adapters/browser/app-badge';
import { AppBadge } from '../hooks/use-app-badge';

/** The app badge with the browser's setter, loaded after the first screen (not on the first load). */
export function AppBadgeMount() {
  return <AppBadge setBadge={setBadge} />;
}
