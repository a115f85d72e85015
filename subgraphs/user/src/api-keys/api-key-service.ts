import { createHmac } from 'node:crypto';
import { apiKeyPrefix, hashApiKey, partnerKeyCacheKey, randomToken, requireRole, revokedPartnerKey, revokedPartnerKeyTtlSeconds } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { isUniqueViolation, type ApiKey } from '@waitlessq/database';
import { changeEntry } from '../audit/change-entry';
import { recordAudit } from '../audit/record-audit';
import type { UserContext } from '../context';
import { idempotencyKey as idempotencyKeyRule, isUuid, parse, text, z } from '@waitlessq/validation';

export interface CreateApiKeyInput {
  name: string;
  idempotencyKey?: string | null;
}

/** The key is in this answer only; the database keeps its hash. */
export interface CreateApiKeyPayload {
  key: string;
  apiKey: ApiKey;
}

/** Characters of the random part shown in lists (`wlq_live_Ab3dE9`): enough to tell keys apart, far too few to guess one. */
const shownRandomCharacters = 6;

export const createApiKeySchema = z.object({ name: text(100), idempotencyKey: idempotencyKeyRule() });

/** OWNER and ADMIN create keys; a retry with the same idempotency key answers with the same key. */
export async function createApiKey(ctx: UserContext, input: CreateApiKeyInput): Promise<CreateApiKeyPayload> {
  const admin = requireRole(ctx.identity, 'ADMIN');
  const { name, idempotencyKey } = parse(createApiKeySchema, input);
  const { organizationId } = admin;
  const prisma = ctx.runtime.db.prisma;
  const key = newApiKey(ctx.runtime.config.auth.jwtSecret, admin.subjectId, organizationId, idempotencyKey);

  const fingerprint = idempotencyKey ? idempotencyFingerprint(ctx.identity, input) : null;
  // Only the admin who used the key, with the same input, gets the key back.
  const replay = async (): Promise<CreateApiKeyPayload | null> => {
    if (!idempotencyKey || !fingerprint) return null;
    const existing = await prisma.apiKey.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
    if (existing) assertSameRequest(existing, fingerprint);
    return existing && { key, apiKey: existing };
  };

  const first = await replay();
  if (first) return first;
  try {
    const apiKey = await prisma.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: {
          organizationId,
          name,
          prefix: key.slice(0, apiKeyPrefix.length + shownRandomCharacters),
          keyHash: hashApiKey(key),
          createdById: admin.subjectId,
          idempotencyKey,
          idempotencyFingerprint: fingerprint,
        },
      });
      await recordAudit(
        tx,
        changeEntry(ctx, { action: 'api_key.created', targetType: 'ApiKey', targetId: created.id, detail: { name, prefix: created.prefix } }),
      );
      return created;
    });
    ctx.logger.info({ apiKeyId: apiKey.id }, 'API key created');
    return { key, apiKey };
  } catch (error) {
    const raced = isUniqueViolation(error) ? await replay() : null;
    if (raced) return raced;
    throw error;
  }
}

/** Newest first, revoked keys included (a dashboard shows when each was revoked). */
export async function listApiKeys(ctx: UserContext): Promise<ApiKey[]> {
  const { organizationId } = requireRole(ctx.identity, 'ADMIN');
  return ctx.runtime.db.prisma.apiKey.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Revokes in the database, then replaces the gateway's cache entry with a tombstone, so the
 * very next request with the key is refused by every gateway replica. Revoking a revoked key
 * changes nothing but writes the tombstone again: when Redis failed the first time, the retry
 * the error asks for completes the revocation.
 */
export async function revokeApiKey(ctx: UserContext, id: string): Promise<ApiKey> {
  const { organizationId } = requireRole(ctx.identity, 'ADMIN');
  if (!isUuid(id)) throw notFound();
  const prisma = ctx.runtime.db.prisma;
  // The write first: the read after it goes to the primary (read-your-writes), never to a replica.
  const count = await prisma.$transaction(async (tx) => {
    const revoked = await tx.apiKey.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
    // Only the revocation that changed the key is an entry; a repeat changes nothing.
    if (revoked.count > 0) await recordAudit(tx, changeEntry(ctx, { action: 'api_key.revoked', targetType: 'ApiKey', targetId: id }));
    return revoked.count;
  });
  const apiKey = await prisma.apiKey.findFirst({ where: { id, organizationId } });
  if (!apiKey) throw notFound();
  await ctx.runtime.redis.store.set(partnerKeyCacheKey(apiKey.keyHash), revokedPartnerKey, revokedPartnerKeyTtlSeconds);
  if (count > 0) ctx.logger.info({ apiKeyId: apiKey.id }, 'API key revoked');
  return apiKey;
}

const notFound = () => new AppError('NOT_FOUND', 'No API key with this id.');

/**
 * Random, except under an idempotency key: then derived (HMAC) from the creator, the
 * organization and the key, so a retry can answer with the same secret although only its hash
 * was stored, and nobody without the server's secret can derive it (as invitations do).
 */
function newApiKey(secret: string, creatorId: string, organizationId: string, idempotencyKey: string | null): string {
  if (!idempotencyKey) return randomToken(apiKeyPrefix);
  const mac = createHmac('sha256', secret).update(`api-key\n${creatorId}\n${organizationId}\n${idempotencyKey}`);
  return apiKeyPrefix + mac.digest('base64url');
}
