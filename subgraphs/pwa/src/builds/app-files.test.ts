import { createHash } from 'node:crypto';
import { applyConfigInput } from '../config/config-input';
import { defaultConfigView } from '../config/config-view';
import { generateAppFiles } from './app-files';
import { appLocation } from './app-location';
import { jsonForScript, type AppSource } from './app-source';
import { appInitials } from './icon';

const businessId = '3f1c2a8e-7d44-4b7e-9f0a-1c2d3e4f5a6b';
const config = applyConfigInput(defaultConfigView('Acme Clinic'), {
  businessId,
  themeColor: '#123456',
  backgroundColor: '#fafafa',
  iconUrl: 'https://cdn.example/acme/icon-512.png',
  welcomeMessage: 'Welcome <b>friends</b> & family',
  description: 'Walk in "any time"',
});
const source: AppSource = { businessId, version: 3, config, appBasePath: `/apps/${businessId}`, apiPath: '/graphql' };
const files = generateAppFiles(source);
const file = (path: string) => {
  const found = files.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no ${path}`);
  return found;
};

describe('generateAppFiles', () => {
  it('generates the page, manifest, service worker and icon with their sizes and hashes', () => {
    expect(files.map((f) => [f.path, f.contentType])).toEqual([
      ['index.html', 'text/html; charset=utf-8'],
      ['manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
      ['sw.js', 'text/javascript; charset=utf-8'],
      ['icon.svg', 'image/svg+xml; charset=utf-8'],
    ]);
    for (const f of files) {
      expect(f.bytes).toBe(Buffer.byteLength(f.content));
      expect(f.sha256).toBe(createHash('sha256').update(f.content).digest('hex'));
    }
  });

  it('writes a valid Web App Manifest that stays one app across versions', () => {
    const manifest = JSON.parse(file('manifest.webmanifest').content);
    expect(manifest).toEqual({
      id: `/apps/${businessId}/`,
      name: 'Acme Clinic',
      short_name: 'Acme Clinic',
      description: 'Walk in "any time"',
      start_url: `/apps/${businessId}/latest/index.html`,
      scope: `/apps/${businessId}/`,
      display: 'standalone',
      theme_color: '#123456',
      background_color: '#fafafa',
      lang: 'en',
      dir: 'ltr',
      icons: [
        { src: 'https://cdn.example/acme/icon-512.png', type: 'image/png', purpose: 'any' },
        { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      ],
    });
  });

  it('brands the page and escapes configured text', () => {
    const html = file('index.html').content;
    expect(html).toContain('<title>Acme Clinic</title>');
    expect(html).toContain('<meta name="theme-color" content="#123456">');
    expect(html).toContain('<link rel="manifest" href="manifest.webmanifest">');
    expect(html).toContain('--wlq-theme: #123456;');
    expect(html).toContain('Welcome &lt;b&gt;friends&lt;/b&gt; &amp; family');
    expect(html).not.toContain('<b>friends</b>');
    expect(html).toContain("navigator.serviceWorker.register('sw.js')");
    expect(html).toContain('href="#/join"');
    expect(html).not.toContain('href="#/book"');
  });

  it('keeps script-breaking text out of the page', () => {
    const sneaky = applyConfigInput(config, { businessId, languages: ['en'], welcomeMessage: '</script><script>alert(1)</script>' });
    const html = generateAppFiles({ ...source, config: sneaky })[0].content;
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(jsonForScript({ note: '</script>\u2028' })).toBe('{"note":"\\u003c/script>\\u2028"}');
  });

  it('writes a service worker that precaches the shell under a versioned cache and goes network-first for the API', () => {
    const sw = file('sw.js').content;
    expect(sw).toContain(`const CACHE = "wlq-${businessId}-v3";`);
    expect(sw).toContain('const PRECACHE = ["./index.html","./manifest.webmanifest","./icon.svg"];');
    expect(sw).toContain('const API_PATH = "/graphql";');
    expect(sw).toContain('networkFirst(request)');
    expect(() => new Function(sw)).not.toThrow();
  });

  it('draws the icon in the theme colour with readable initials', () => {
    const svg = file('icon.svg').content;
    expect(svg).toContain('fill="#123456"');
    expect(svg).toContain('fill="#ffffff">AC</text>');
    expect(appInitials('  "Zahn" arzt Berlin ')).toBe('ZA');
    expect(appInitials('東京 クリニック')).toBe('東ク');
  });

  it('makes a right-to-left app for Arabic', () => {
    const rtl = applyConfigInput(config, { businessId, languages: ['ar'], defaultLanguage: 'ar', rightToLeft: true });
    const [html, manifest] = generateAppFiles({ ...source, config: rtl });
    expect(html.content).toContain('<html lang="ar" dir="rtl">');
    expect(JSON.parse(manifest.content)).toMatchObject({ lang: 'ar', dir: 'rtl' });
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
