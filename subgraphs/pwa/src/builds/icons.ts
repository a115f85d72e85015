import sharp, { type Sharp } from 'sharp';
import { escapeHtml, readableTextColor } from './app-source';
import type { PwaConfigView } from '../config/config-view';

export interface IconSpec {
  path: string;
  size: number;
  /** `any`: the icon as it is; `maskable`: full-bleed, content in the 80 % safe zone; `apple`: full-bleed, opaque. */
  purpose: 'any' | 'maskable' | 'apple';
}

/** PNGs every build carries: Android/Chromium (192, 512, maskable 512) and iOS (180). */
export const iconSpecs: readonly IconSpec[] = [
  { path: 'icon-192.png', size: 192, purpose: 'any' },
  { path: 'icon-512.png', size: 512, purpose: 'any' },
  { path: 'icon-maskable-512.png', size: 512, purpose: 'maskable' },
  { path: 'apple-touch-icon.png', size: 180, purpose: 'apple' },
];

const maxLogoBytes = 2 * 1024 * 1024;
const logoTimeoutMs = 3_000;

/**
 * A scalable icon from the theme colour and the app's initials. Full-bleed ones (maskable,
 * apple) fill the square and keep the letters inside the safe zone; the plain one is rounded.
 */
export function initialsSvg(config: PwaConfigView, fullBleed = false): string {
  const initials = appInitials(config.shortName);
  const scale = fullBleed ? 0.72 : 1;
  const fontSize = Math.round((initials.length > 1 ? 200 : 260) * scale);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">',
    `<rect width="512" height="512"${fullBleed ? '' : ' rx="96"'} fill="${config.themeColor}"/>`,
    `<text x="256" y="256" dy=".35em" text-anchor="middle" font-family="DejaVu Sans, Noto Sans, Liberation Sans, system-ui, sans-serif" font-size="${fontSize}" font-weight="700" fill="${readableTextColor(config.themeColor)}">${escapeHtml(initials)}</text>`,
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

/**
 * The business's logo (or icon) image, when it can be fetched in time and is an image sharp
 * reads; null otherwise, and the icons are drawn from the initials instead.
 */
export async function fetchLogo(url: string | null, onProblem: (problem: string) => void): Promise<Buffer | null> {
  if (!url) return null;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(logoTimeoutMs), redirect: 'follow' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (Number(response.headers.get('content-length') ?? 0) > maxLogoBytes) throw new Error('larger than 2 MB');
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.byteLength > maxLogoBytes) throw new Error('larger than 2 MB');
    const metadata = await sharp(bytes).metadata();
    if (!metadata.width || !metadata.height) throw new Error('not an image');
    return bytes;
  } catch (error) {
    onProblem(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** Renders every icon of iconSpecs as PNG, from the logo when there is one. */
export async function renderIcons(config: PwaConfigView, logo: Buffer | null): Promise<{ spec: IconSpec; png: Buffer }[]> {
  const plain = Buffer.from(initialsSvg(config));
  const fullBleed = Buffer.from(initialsSvg(config, true));
  return Promise.all(
    iconSpecs.map(async (spec) => {
      const opaque = spec.purpose !== 'any';
      let image: Sharp;
      if (logo) {
        // The logo fits inside the square (inside the safe zone when full-bleed) on the background colour.
        const inner = Math.round(spec.size * (opaque ? 0.7 : 0.9));
        const fitted = await sharp(logo)
          .resize(inner, inner, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
          .png()
          .toBuffer();
        image = sharp({
          create: { width: spec.size, height: spec.size, channels: 4, background: opaque ? config.backgroundColor : { r: 0, g: 0, b: 0, alpha: 0 } },
        }).composite([{ input: fitted, gravity: 'center' }]);
      } else {
        image = sharp(opaque ? fullBleed : plain, { density: Math.max(72, Math.ceil((72 * spec.size) / 512)) }).resize(spec.size, spec.size);
      }
      if (spec.purpose === 'apple') image = image.flatten({ background: config.backgroundColor });
      return { spec, png: await image.png({ compressionLevel: 9 }).toBuffer() };
    }),
  );
}
