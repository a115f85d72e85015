import { toAppFile, type AppFile } from './app-file';
import type { AppSource } from './app-source';
import { buildIcon } from './icon';
import { buildIndexHtml } from './index-html';
import { buildManifest } from './manifest';
import { buildServiceWorker } from './service-worker';

/** Every file of one version of a business's app, generated in memory from its configuration. */
export function generateAppFiles(source: AppSource): AppFile[] {
  return [
    toAppFile('index.html', buildIndexHtml(source)),
    toAppFile('manifest.webmanifest', `${JSON.stringify(buildManifest(source), null, 2)}\n`),
    toAppFile('sw.js', buildServiceWorker(source)),
    toAppFile('icon.svg', buildIcon(source)),
  ];
}
