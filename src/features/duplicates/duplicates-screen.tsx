import { EmptyState } from '../../ui/empty-state';

/** Scaffold: the duplicates flow is being built (issue 9). */
export function DuplicatesScreen() {
  return <EmptyState title="Possible duplicates">Coming in this change.</EmptyState>;
}
