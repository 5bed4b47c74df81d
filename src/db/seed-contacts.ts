import { CONTACT_STAGES } from '../domain/contact';
import type { RowChange, WriteContext } from './commit-changes';

const FIRST_NAMES = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Femi', 'Grace', 'Hugo', 'Isla', 'Jon', 'Kemi', 'Liam', 'Maya', 'Noah', 'Olu', 'Priya'];
const LAST_NAMES = ['Adams', 'Brown', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jones', 'Khan', 'Lopez', 'Martin', 'Nguyen'];

/** Realistic test contacts for the diagnostics screen and benchmarks (LocalStore.seedContacts writes them). */
export function seedChanges(count: number, prefix: string, ctx: Pick<WriteContext, 'now' | 'newId'>): RowChange[] {
  const changes: RowChange[] = [];
  const day = 86_400_000;
  for (let i = 0; i < count; i += 1) {
    const touched = new Date(ctx.now() - ((i * 7919) % 60) * day).toISOString();
    changes.push({
      table: 'contacts',
      op: 'insert',
      id: ctx.newId(),
      fields: {
        first_name: `${prefix}${FIRST_NAMES[i % FIRST_NAMES.length]}`,
        last_name: `${LAST_NAMES[(i * 7) % LAST_NAMES.length]} ${i + 1}`,
        phone: `+1 555 ${String(1000 + (i % 9000)).padStart(4, '0')} ${String(i % 100).padStart(2, '0')}`,
        email: `contact${i + 1}@example.com`,
        stage: CONTACT_STAGES[i % CONTACT_STAGES.length],
        contact_type: i % 3 === 0 ? 'business' : 'customer',
        lead_source: i % 2 === 0 ? 'Instagram' : 'Referral',
        tags: i % 5 === 0 ? ['vip'] : [],
        notes: i % 4 === 0 ? 'Interested in the starter kit' : '',
        next_follow_up_on: null,
        last_touched_at: touched,
      },
    });
  }
  return changes;
}
