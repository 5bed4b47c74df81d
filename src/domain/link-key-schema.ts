import { z } from 'zod';
import { syncColumnsShape } from './sync-columns';

/**
 * A member's key for signing tracked links (a synced row: on the member's devices and the server,
 * nowhere else). `key_id` (8 random bytes) goes into every link so the redirect finds the key;
 * `secret` (32 random bytes) signs the link's target. Both base64url without padding; never changed.
 */
export const linkKeySchema = z.object({
  ...syncColumnsShape,
  key_id: z.string().regex(/^[A-Za-z0-9_-]{11}$/),
  secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type LinkKey = z.infer<typeof linkKeySchema>;
