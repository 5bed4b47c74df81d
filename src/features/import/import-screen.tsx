import { EmptyState } from '../../ui/empty-state';

/** Scaffold: the import flow is being built (issue 9). */
export function ImportScreen() {
  return <EmptyState title="Import contacts">Coming in this change.</EmptyState>;
}
