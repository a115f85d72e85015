import type { Request, Response } from 'express';
import type { PwaBuild } from '@waitlessq/database';
import type { ServiceRuntime, SubgraphServer } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { createBusinessDirectory, type BusinessDirectory } from '../business-directory';
import { appFileBytes, readAppFiles } from './app-file';

type Version = { kind: 'number'; version: number } | { kind: 'latest' };

/**
 * Serves published apps, publicly: `/apps/<slug or id>/v/<version>/<file>` (immutable, cached
 * for a year) and `/apps/<slug or id>/latest/<file>` (revalidated on every load, so an update
 * reaches phones at once). `/apps/<slug or id>` redirects to the latest index.html, for QR codes.
 */
export function mountPwaRoutes(app: SubgraphServer['app'], runtime: ServiceRuntime): void {
  const businesses = createBusinessDirectory(runtime);
  const handle = (version: (req: Request) => Version | null) => async (req: Request, res: Response) => {
    try {
      await serveFile(runtime, businesses, req, res, version(req));
    } catch (error) {
      runtime.logger.error({ err: error, path: req.path }, 'serving an app file failed');
      if (!res.headersSent) res.status(502).type('text/plain').send('The app could not be loaded; try again.');
    }
  };
  app.get(
    '/apps/:app/v/:version/:file',
    handle((req) => (/^[1-9]\d{0,8}$/.test(String(req.params.version)) ? { kind: 'number', version: Number(req.params.version) } : null)),
  );
  app.get(
    '/apps/:app/latest/:file',
    handle(() => ({ kind: 'latest' })),
  );
  app.get('/apps/:app', (req, res) => {
    const app = encodeURIComponent(String(req.params.app));
    // The query travels on: a queue's code may open `/apps/<slug>?queue=<id>`.
    const [path, query] = req.originalUrl.split(/\?(.*)/s);
    const search = query ? `?${query}` : '';
    res.redirect(302, path.endsWith('/') ? `./latest/index.html${search}` : `${app}/latest/index.html${search}`);
  });
}

async function serveFile(runtime: ServiceRuntime, businesses: BusinessDirectory, req: Request, res: Response, version: Version | null) {
  const businessId = await resolveBusinessId(businesses, String(req.params.app), String(req.headers['x-request-id'] ?? ''));
  const build = businessId && version ? await findPublishedBuild(runtime, businessId, version) : null;
  const file = build ? readAppFiles(build.files).find((candidate) => candidate.path === req.params.file) : undefined;
  if (!file) {
    res.status(404).type('text/plain').send('Not found.');
    return;
  }
  const etag = `"${file.sha256}"`;
  res.set({
    'Content-Type': file.contentType,
    ETag: etag,
    'Cache-Control': version?.kind === 'number' && file.path !== 'sw.js' ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  res.send(appFileBytes(file));
}

/** The address holds an id or a slug; the business subgraph owns slugs, so it is asked. */
async function resolveBusinessId(businesses: BusinessDirectory, app: string, requestId: string): Promise<string | null> {
  if (isUuid(app)) return app.toLowerCase();
  if (!/^[a-z0-9-]{2,63}$/i.test(app)) return null;
  return (await businesses.bySlug(app, requestId || undefined))?.id ?? null;
}

function findPublishedBuild(runtime: ServiceRuntime, businessId: string, version: Version): Promise<PwaBuild | null> {
  const prisma = runtime.db.prisma;
  if (version.kind === 'latest') {
    return prisma.pwaBuild.findFirst({ where: { businessId, status: 'PUBLISHED' }, orderBy: { version: 'desc' } });
  }
  return prisma.pwaBuild.findFirst({ where: { businessId, version: version.version, status: 'PUBLISHED' } });
}
