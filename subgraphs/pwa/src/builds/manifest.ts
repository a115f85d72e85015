import type { AppSource } from './app-source';

interface ManifestIcon {
  src: string;
  sizes?: string;
  type?: string;
  purpose: string;
}

const imageTypes: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml', webp: 'image/webp', jpg: 'image/jpeg', jpeg: 'image/jpeg', ico: 'image/x-icon' };

/**
 * The Web App Manifest. `id`, `start_url` and `scope` are paths on the app's own origin and do
 * not change between versions, so an installed app stays one app and opens the latest version;
 * icons and other files resolve relative to the manifest, so each version uses its own.
 */
export function buildManifest(source: AppSource): Record<string, unknown> {
  const { config, appBasePath } = source;
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
    icons: manifestIcons(source),
  };
}

function manifestIcons({ config }: AppSource): ManifestIcon[] {
  const configured = [config.iconUrl, config.logoUrl].filter((url, index, urls): url is string => !!url && urls.indexOf(url) === index);
  const icons: ManifestIcon[] = configured.map((src) => {
    const type = imageTypes[new URL(src).pathname.split('.').pop()?.toLowerCase() ?? ''];
    return { src, ...(type ? { type } : {}), purpose: 'any' };
  });
  icons.push({ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' });
  return icons;
}
