import { escapeHtml, readableTextColor, type AppSource } from './app-source';

/**
 * A scalable icon from the theme colour and the app's initials, so every build is installable
 * even before the business uploads an icon. Raster sizes come later (sharp).
 */
export function buildIcon({ config }: AppSource): string {
  const initials = appInitials(config.shortName);
  const fontSize = initials.length > 1 ? 200 : 260;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">',
    `<rect width="512" height="512" rx="96" fill="${config.themeColor}"/>`,
    `<text x="256" y="256" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="${fontSize}" font-weight="700" fill="${readableTextColor(config.themeColor)}">${escapeHtml(initials)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** "Acme Clinic" -> "AC", "Zahnarzt" -> "Z"; letters and digits of any script. */
export function appInitials(name: string): string {
  const words = name.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const initials = words.slice(0, 2).map((word) => [...word.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '');
  return initials.join('').toUpperCase() || '?';
}
