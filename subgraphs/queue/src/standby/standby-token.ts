import { createHmac } from 'node:crypto';
import { sha256 } from '@waitlessq/auth';

/**
 * Like a visit token (visits/visit-token.ts): derived from the entry id, so a retried
 * joinStandby hands back the same token, and only its hash is stored. The label keeps the two
 * kinds of token apart: a visit's token never opens a standby entry of the same id.
 */
export function standbyTokenFor(secret: string, entryId: string): string {
  return `st_${createHmac('sha256', secret).update(`standby:${entryId}`).digest('base64url')}`;
}

export const standbyTokenHash = (token: string): string => sha256(token);
