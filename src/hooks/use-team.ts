import { useLiveQuery } from 'dexie-react-hooks';
import { readTeam, type CachedTeam, type TeamMemberRow } from '../db/team-cache';
import { useAppServices } from './app-services';

export type { TeamMemberRow } from '../db/team-cache';

export type TeamView = CachedTeam & {
  /** The downline grouped by level, level 1 first. */
  readonly levels: readonly { readonly level: number; readonly members: readonly TeamMemberRow[] }[];
};

export function groupByLevel(downline: readonly TeamMemberRow[]): TeamView['levels'] {
  const levels: { level: number; members: TeamMemberRow[] }[] = [];
  for (const member of downline) {
    const last = levels[levels.length - 1];
    if (last?.level === member.depth) last.members.push(member);
    else levels.push({ level: member.depth, members: [member] });
  }
  return levels;
}

/** The cached team (IndexedDB, live); undefined while it loads. */
export function useTeam(): TeamView | undefined {
  const { db } = useAppServices();
  const team = useLiveQuery(() => readTeam(db), [db]);
  return team === undefined ? undefined : { ...team, levels: groupByLevel(team.downline) };
}
