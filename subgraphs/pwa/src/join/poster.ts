import QRCode from 'qrcode';
import sharp from 'sharp';
import { escapeHtml, readableTextColor } from '../builds/app-source';
import type { PwaConfigView } from '../config/config-view';

export type PosterFormat = 'SVG' | 'PNG';

const callToAction: Record<string, string> = {
  en: 'Scan to join the queue',
  de: 'Scannen und anstellen',
  fr: 'Scannez pour rejoindre la file',
  es: 'Escanee para hacer cola',
  ar: 'امسح الرمز للانضمام إلى الطابور',
  he: 'סרקו כדי להצטרף לתור',
};
const noAppNeeded: Record<string, string> = {
  en: 'No app to install: the line comes to your phone.',
  de: 'Keine App nötig: die Warteschlange kommt aufs Handy.',
};

// A4 portrait in points; the PNG renders it at 150 dpi.
const width = 595;
const height = 842;
const pngScale = 150 / 72;

/**
 * The poster: the business's name on its theme colour, the call to action in its default
 * language, the QR code (error correction M, a quiet zone of four modules) and the link as
 * text for those who cannot scan.
 */
export async function buildPosterSvg(config: PwaConfigView, link: string, queueName: string | null): Promise<string> {
  const e = escapeHtml;
  const language = config.defaultLanguage.split('-')[0];
  const rtl = config.rightToLeft ? ' direction="rtl"' : '';
  const qr = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
  const qrSize = 360;
  const qrInner = qr.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  const viewBox = /viewBox="([^"]+)"/.exec(qr)?.[1] ?? '0 0 1 1';
  const font = 'DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif';
  const onTheme = readableTextColor(config.themeColor);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<rect width="${width}" height="150" fill="${config.themeColor}"/>`,
    `<text x="${width / 2}" y="95" text-anchor="middle" font-family="${font}" font-size="36" font-weight="700" fill="${onTheme}"${rtl}>${e(config.appName)}</text>`,
    `<text x="${width / 2}" y="215" text-anchor="middle" font-family="${font}" font-size="28" font-weight="700" fill="#111827"${rtl}>${e(callToAction[language] ?? callToAction.en)}</text>`,
    queueName ? `<text x="${width / 2}" y="255" text-anchor="middle" font-family="${font}" font-size="22" fill="#111827"${rtl}>${e(queueName)}</text>` : '',
    `<svg x="${(width - qrSize) / 2}" y="280" width="${qrSize}" height="${qrSize}" viewBox="${viewBox}" shape-rendering="crispEdges">${qrInner}</svg>`,
    `<text x="${width / 2}" y="690" text-anchor="middle" font-family="${font}" font-size="16" fill="#111827"${rtl}>${e(noAppNeeded[language] ?? noAppNeeded.en)}</text>`,
    `<text x="${width / 2}" y="760" text-anchor="middle" font-family="${font}" font-size="11" fill="#374151">${e(link)}</text>`,
    '</svg>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

export async function renderPoster(config: PwaConfigView, link: string, queueName: string | null, format: PosterFormat) {
  const svg = await buildPosterSvg(config, link, queueName);
  if (format === 'SVG') return { format, contentType: 'image/svg+xml', content: svg, bytes: Buffer.byteLength(svg) };
  const png = await sharp(Buffer.from(svg), { density: 72 * pngScale })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { format, contentType: 'image/png', content: png.toString('base64'), bytes: png.byteLength };
}
