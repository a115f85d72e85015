import { performance } from 'node:perf_hooks';
import { requireRole } from '@waitlessq/auth';
import { isUniqueViolation, type PrismaClient, type PwaBuild, type PwaConfig } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { toConfigView } from '../config/config-view';
import type { PwaContext } from '../context';
import { readAppBundle } from './app-bundle';
import { generateAppFiles } from './app-files';
import { fetchLogo } from './icons';
import { API_PATH, appLocation } from './app-location';

const VERSION_ATTEMPTS = 10;

/**
 * Publishes the next version of a business's app: claims the version number with a BUILDING
 * row, generates the files in memory (icons with sharp, from the logo or the initials) and stores them with the row, which becomes PUBLISHED
 * (or FAILED, with the error, when generation throws).
 */
export async function publishPwa(ctx: PwaContext, businessId: string): Promise<PwaBuild> {
  const staff = requireRole(ctx.identity, 'MANAGER');
  const business = await ctx.businesses.requireOwn(businessId, staff.organizationId, ctx.requestId);
  const prisma = ctx.runtime.db.prisma;
  const config = await prisma.pwaConfig.findUnique({ where: { businessId: business.id } });
  if (!config) {
    throw new AppError('BAD_USER_INPUT', 'businessId has no app configuration yet: call updatePwaConfig first.', { field: 'businessId' });
  }

  const started = performance.now();
  const build = await claimNextVersion(prisma, config, staff.subjectId);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const location = appLocation(ctx.runtime.config.publicUrl, business.id);
    const view = toConfigView(config);
    const [bundle, logo] = await Promise.all([
      readAppBundle(),
      fetchLogo(view.iconUrl ?? view.logoUrl, (problem) =>
        ctx.logger.warn({ buildId: build.id, problem }, 'the logo could not be read; icons use the initials'),
      ),
    ]);
    const files = await generateAppFiles(
      {
        businessId: business.id,
        version: build.version,
        config: view,
        appBasePath: location.appBasePath,
        apiPath: API_PATH,
        vapidPublicKey: ctx.runtime.config.push.vapidPublicKey,
      },
      { bundle, logo },
    );
    return await prisma.pwaBuild.update({
      where: { id: build.id },
      data: {
        status: 'PUBLISHED',
        files,
        url: location.versionUrl(build.version, 'index.html'),
        manifestUrl: location.versionUrl(build.version, 'manifest.webmanifest'),
        durationMs: elapsed(),
        finishedAt: new Date(),
      },
    });
  } catch (error) {
    ctx.logger.error({ err: error, buildId: build.id }, 'publishing the app failed');
    await prisma.pwaBuild
      .update({ where: { id: build.id }, data: { status: 'FAILED', error: String(error), durationMs: elapsed(), finishedAt: new Date() } })
      .catch((updateError: unknown) => ctx.logger.error({ err: updateError, buildId: build.id }, 'marking the build FAILED failed'));
    throw error;
  }
}

/**
 * Versions count up per business without gaps between claims. Two publishes at once read the
 * same latest version; the unique [businessId, version] index refuses the second insert, which
 * reads again and takes the next number.
 */
async function claimNextVersion(prisma: PrismaClient, config: PwaConfig, createdById: string): Promise<PwaBuild> {
  for (let attempt = 0; attempt < VERSION_ATTEMPTS; attempt += 1) {
    const latest = await prisma.pwaBuild.findFirst({ where: { businessId: config.businessId }, orderBy: { version: 'desc' }, select: { version: true } });
    try {
      return await prisma.pwaBuild.create({
        data: {
          organizationId: config.organizationId,
          businessId: config.businessId,
          configId: config.id,
          version: (latest?.version ?? 0) + 1,
          status: 'BUILDING',
          createdById,
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new AppError('CONFLICT', 'Too many publishes of this app at once; try again.');
}
