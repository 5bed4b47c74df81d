import { createStore } from '../shared/subscribable';
import { useAppServices } from './app-services';
import { useStoreValue } from './use-store-value';

const NOBODY = createStore<ReadonlySet<string>>(new Set());

/** Who of the team is in the app right now (member ids; in memory, from Realtime Presence). */
export function useTeamPresence(): ReadonlySet<string> {
  const { team } = useAppServices();
  return useStoreValue(team?.presence ?? NOBODY);
}
