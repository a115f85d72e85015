import { toAppFile, type AppFile } from './app-file';
import { versionPath, type AppSource } from './app-source';
import { initialsSvg, renderIcons } from './icons';
import { buildIndexHtml, buildStylesheet } from './index-html';
import { buildManifest } from './manifest';
import { buildServiceWorker } from './service-worker';

export interface AppAssets {
  /** The customer app's script (apps/customer), shared by every business. */
  bundle: string;
  /** The business's logo image, when it has one that could be read. */
  logo: Buffer | null;
}

/**
 * Every file of one version of a business's app: the branded page, stylesheet and
 * configuration, the manifest, PNG icons, the precache list and the service worker, beside
 * a copy of the shared bundle.
 */
export async function generateAppFiles(source: AppSource, assets: AppAssets): Promise<AppFile[]> {
  const icons = await renderIcons(source.config, assets.logo);
  const files = [
    toAppFile('index.html', buildIndexHtml(source)),
    toAppFile('app.css', buildStylesheet(source)),
    toAppFile('app.js', assets.bundle),
    toAppFile('manifest.webmanifest', `${JSON.stringify(buildManifest(source), null, 2)}\n`),
    toAppFile('icon.svg', initialsSvg(source.config)),
    ...icons.map(({ spec, png }) => toAppFile(spec.path, png)),
  ];
  // The page itself is cached by the worker from wherever it was opened (latest or a version).
  const precache = files.filter((file) => file.path !== 'index.html').map((file) => versionPath(source, file.path));
  files.push(toAppFile('precache.json', `${JSON.stringify(precache, null, 2)}\n`));
  files.push(toAppFile('sw.js', buildServiceWorker(source, precache)));
  return files;
}
