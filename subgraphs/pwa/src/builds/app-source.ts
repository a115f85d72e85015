import type { PwaConfigView } from '../config/config-view';

/** Everything a build is generated from. */
export interface AppSource {
  businessId: string;
  version: number;
  config: PwaConfigView;
  /** Path of the business's apps on the public origin, e.g. /apps/<businessId> (no trailing slash). */
  appBasePath: string;
  /** Path of the GraphQL API on the same origin, e.g. /graphql. */
  apiPath: string;
  /** Web push key the app subscribes with (configuration); null: no push. */
  vapidPublicKey: string | null;
}

/** Where this version's own files live: immutable, so pages of any address may point at them. */
export function versionPath(source: Pick<AppSource, 'appBasePath' | 'version'>, file = ''): string {
  return `${source.appBasePath}/v/${source.version}/${file}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string);
}

/** JSON that may sit inside a <script> element: no "</script>" and no line separators that break JS. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
export function readableTextColor(hex: string): '#ffffff' | '#111827' {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? '#111827' : '#ffffff';
}
