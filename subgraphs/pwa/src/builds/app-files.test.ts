import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { applyConfigInput } from '../config/config-input';
import { defaultConfigView } from '../config/config-view';
import { appFileBytes, type AppFile } from './app-file';
import { generateAppFiles } from './app-files';
import { appLocation } from './app-location';
import { jsonForScript, type AppSource } from './app-source';
import { appInitials } from './icons';

const businessId = '3f1c2a8e-7d44-4b7e-9f0a-1c2d3e4f5a6b';
const config = applyConfigInput(defaultConfigView('Acme Clinic'), {
  businessId,
  themeColor: '#123456',
  backgroundColor: '#fafafa',
  welcomeMessage: 'Welcome <b>friends</b> & family',
  description: 'Walk in "any time"',
});
const base = `/apps/${businessId}`;
const source: AppSource = { businessId, version: 3, config, appBasePath: base, apiPath: '/graphql', vapidPublicKey: null };
const assets = { bundle: 'console.log("app")', logo: null };
let files: AppFile[];
const file = (path: string) => {
  const found = files.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no ${path}`);
  return found;
};

beforeAll(async () => {
  files = await generateAppFiles(source, assets);
});

describe('generateAppFiles', () => {
  it('generates page, stylesheet, bundle, manifest, icons, precache list and service worker with their sizes and hashes', () => {
    expect(files.map((f) => [f.path, f.contentType])).toEqual([
      ['index.html', 'text/html; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
      ['app.js', 'text/javascript; charset=utf-8'],
      ['manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
      ['icon.svg', 'image/svg+xml; charset=utf-8'],
      ['icon-192.png', 'image/png'],
      ['icon-512.png', 'image/png'],
      ['icon-maskable-512.png', 'image/png'],
      ['apple-touch-icon.png', 'image/png'],
      ['precache.json', 'application/json; charset=utf-8'],
      ['sw.js', 'text/javascript; charset=utf-8'],
    ]);
    for (const f of files) {
      const bytes = appFileBytes(f);
      expect(f.bytes).toBe(bytes.byteLength);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(file('app.js').content).toBe(assets.bundle);
  });

  it('writes a valid Web App Manifest that stays one app across versions, with PNG icons', () => {
    const manifest = JSON.parse(file('manifest.webmanifest').content);
    expect(manifest).toEqual({
      id: `${base}/`,
      name: 'Acme Clinic',
      short_name: 'Acme Clinic',
      description: 'Walk in "any time"',
      start_url: `${base}/latest/index.html`,
      scope: `${base}/`,
      display: 'standalone',
      theme_color: '#123456',
      background_color: '#fafafa',
      lang: 'en',
      dir: 'ltr',
      icons: [
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      ],
    });
  });

  it('draws PNG icons of the stated sizes from the initials; the apple and maskable ones are opaque', async () => {
    for (const [path, size, opaque] of [
      ['icon-192.png', 192, false],
      ['icon-512.png', 512, false],
      ['icon-maskable-512.png', 512, true],
      ['apple-touch-icon.png', 180, true],
    ] as const) {
      const image = sharp(appFileBytes(file(path)));
      const metadata = await image.metadata();
      expect([path, metadata.format, metadata.width, metadata.height]).toEqual([path, 'png', size, size]);
      // The corner pixel: the theme colour on full-bleed icons, transparent on the rounded one.
      const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const corner = [...data.subarray(0, info.channels)];
      expect([path, corner]).toEqual([path, opaque ? [0x12, 0x34, 0x56, 255] : [0, 0, 0, 0]]);
    }
  });

  it('brands the page, points at the immutable files of its version and escapes configured text', () => {
    const html = file('index.html').content;
    expect(html).toContain('<title>Acme Clinic</title>');
    expect(html).toContain('<meta name="theme-color" content="#123456">');
    expect(html).toContain(`<link rel="manifest" href="${base}/v/3/manifest.webmanifest">`);
    expect(html).toContain(`<link rel="apple-touch-icon" href="${base}/v/3/apple-touch-icon.png" sizes="180x180">`);
    expect(html).toContain(`<script src="${base}/v/3/app.js" defer></script>`);
    expect(html).toContain('Welcome &lt;b&gt;friends&lt;/b&gt; &amp; family');
    expect(html).not.toContain('<b>friends</b>');
    expect(html).not.toMatch(/<script>|style=/);
    expect(file('app.css').content).toContain('--wlq-theme: #123456;');
    const settings = JSON.parse(html.match(/<script type="application\/json" id="wlq-config">(.*)<\/script>/)![1]);
    expect(settings).toMatchObject({ businessId, version: 3, apiPath: '/graphql', languages: ['en'], vapidPublicKey: null });
  });

  it('keeps script-breaking text out of the page', async () => {
    const sneaky = applyConfigInput(config, { businessId, languages: ['en'], welcomeMessage: '</script><script>alert(1)</script>' });
    const [html] = await generateAppFiles({ ...source, config: sneaky }, assets);
    expect(html.content.match(/<\/script>/g)).toHaveLength(2);
    expect(jsonForScript({ note: '</script>\u2028' })).toBe('{"note":"\\u003c/script>\\u2028"}');
  });

  it('writes a precache list and a service worker that precaches it under a versioned cache and handles push', () => {
    const precache = JSON.parse(file('precache.json').content);
    expect(precache).toEqual(
      ['app.css', 'app.js', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png', 'icon-maskable-512.png', 'apple-touch-icon.png'].map(
        (f) => `${base}/v/3/${f}`,
      ),
    );
    const sw = file('sw.js').content;
    expect(sw).toContain(`const CACHE = "wlq-${businessId}-v3";`);
    expect(sw).toContain(`const PRECACHE = ${JSON.stringify(precache)};`);
    expect(sw).toContain("self.addEventListener('push'");
    expect(sw).toContain("self.addEventListener('notificationclick'");
    expect(() => new Function(sw)).not.toThrow();
  });

  it('passes the VAPID key to the app only when notifications are on', async () => {
    const key = 'B'.repeat(87);
    const on = await generateAppFiles({ ...source, vapidPublicKey: key }, assets);
    expect(on[0].content).toContain(`"vapidPublicKey":"${key}"`);
    const off = applyConfigInput(config, { businessId, features: { notifications: false } });
    expect((await generateAppFiles({ ...source, config: off, vapidPublicKey: key }, assets))[0].content).toContain('"vapidPublicKey":null');
  });

  it('reads initials of any script', () => {
    expect(appInitials('  "Zahn" arzt Berlin ')).toBe('ZA');
    expect(appInitials('東京 クリニック')).toBe('東ク');
  });

  it('makes a right-to-left app for Arabic', async () => {
    const rtl = applyConfigInput(config, { businessId, languages: ['ar'], defaultLanguage: 'ar', rightToLeft: true });
    const generated = await generateAppFiles({ ...source, config: rtl }, assets);
    expect(generated[0].content).toContain('<html lang="ar" dir="rtl">');
    expect(JSON.parse(generated.find((f) => f.path === 'manifest.webmanifest')!.content)).toMatchObject({ lang: 'ar', dir: 'rtl' });
  });
});

describe('appLocation', () => {
  it('keeps the public URL path prefix in app paths and build URLs', () => {
    const location = appLocation('https://example.test/waitlessq/', businessId);
    expect(location.appBasePath).toBe(`/waitlessq/apps/${businessId}`);
    expect(location.versionUrl(2, 'index.html')).toBe(`https://example.test/waitlessq/apps/${businessId}/v/2/index.html`);
    expect(appLocation('http://127.0.0.1:4004', businessId).appBasePath).toBe(`/apps/${businessId}`);
  });
});
