import type { z } from 'zod';
import { contactImportSchema } from './contact-import-schema';
import { contactMergeSchema } from './contact-merge-schema';
import { contactSchema } from './contact-schema';
import { dailyGoalSchema } from './daily-goal-schema';
import { dailySummarySchema } from './daily-summary-schema';
import { teamCommentSchema, teamReactionSchema, teamWinSchema } from './team-feed-schema';
import { emailClickSchema } from './email-click';
import { emailTemplateSchema } from './email-template-schema';
import { linkKeySchema } from './link-key-schema';
import { trackedLinkSchema } from './tracked-link-schema';
import { memberActivitySchema } from './member-activity-schema';
import { memberProfileSchema } from './member-profile';
import { sentEmailSchema } from './sent-email';
import type { SyncedTable } from './synced-table';

/** Each synced table's row schema: exactly the table's columns (sync_xid, the server's, aside). */
export const SYNCED_TABLE_SCHEMAS = {
  member_profiles: memberProfileSchema,
  contacts: contactSchema,
  member_activities: memberActivitySchema,
  email_templates: emailTemplateSchema,
  sent_emails: sentEmailSchema,
  email_clicks: emailClickSchema,
  contact_imports: contactImportSchema,
  contact_merges: contactMergeSchema,
  link_keys: linkKeySchema,
  tracked_links: trackedLinkSchema,
  daily_goals: dailyGoalSchema,
  team_wins: teamWinSchema,
  team_reactions: teamReactionSchema,
  team_comments: teamCommentSchema,
  daily_summaries: dailySummarySchema,
} as const satisfies Record<SyncedTable, z.ZodObject>;
