import type { AppSource } from './app-source';
import { iconSpecs } from './icons';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose: string;
}

/**
 * The Web App Manifest. `id`, `start_url` and `scope` are paths on the app's own origin and do
 * not change between versions, so an installed app stays one app and opens the latest version;
 * icons resolve relative to the manifest, so each version uses its own PNGs (made by sharp).
 */
export function buildManifest(source: AppSource): Record<string, unknown> {
  const { config, appBasePath } = source;
  const icons: ManifestIcon[] = iconSpecs
    .filter((spec) => spec.purpose !== 'apple')
    .map((spec) => ({ src: spec.path, sizes: `${spec.size}x${spec.size}`, type: 'image/png', purpose: spec.purpose }));
  icons.push({ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' });
  return {
    id: `${appBasePath}/`,
    name: config.appName,
    short_name: config.shortName,
    ...(config.description ? { description: config.description } : {}),
    start_url: `${appBasePath}/latest/index.html`,
    scope: `${appBasePath}/`,
    display: 'standalone',
    theme_color: config.themeColor,
    background_color: config.backgroundColor,
    lang: config.defaultLanguage,
    dir: config.rightToLeft ? 'rtl' : 'ltr',
    icons,
  };
}
