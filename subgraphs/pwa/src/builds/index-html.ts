import { escapeHtml, jsonForScript, readableTextColor, versionPath, type AppSource } from './app-source';

/**
 * The branded shell: the business's name, colours and welcome, the settings the customer app
 * reads from #wlq-config, and this version's stylesheet and script (immutable addresses, so
 * the page may be served from /latest/ too). No inline script or style: the gateway's
 * Content-Security-Policy for the apps allows only the app's own files.
 */
export function buildIndexHtml(source: AppSource): string {
  const { config } = source;
  const e = escapeHtml;
  const at = (file: string) => e(versionPath(source, file));
  const contact = [
    config.contactPhone && `<a href="tel:${e(config.contactPhone.replace(/[^+0-9]/g, ''))}">${e(config.contactPhone)}</a>`,
    config.contactEmail && `<a href="mailto:${e(config.contactEmail)}">${e(config.contactEmail)}</a>`,
    config.privacyUrl && `<a href="${e(config.privacyUrl)}" rel="noopener">Privacy</a>`,
    config.termsUrl && `<a href="${e(config.termsUrl)}" rel="noopener">Terms</a>`,
  ].filter(Boolean);
  const clientConfig = {
    businessId: source.businessId,
    version: source.version,
    appName: config.appName,
    apiPath: source.apiPath,
    features: config.features,
    languages: config.languages,
    defaultLanguage: config.defaultLanguage,
    rightToLeft: config.rightToLeft,
    welcomeMessage: config.welcomeMessage,
    layoutStyle: config.layoutStyle,
    push: config.push,
    vapidPublicKey: config.features.notifications ? source.vapidPublicKey : null,
  };

  return `<!doctype html>
<html lang="${e(config.defaultLanguage)}" dir="${config.rightToLeft ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${e(config.appName)}</title>
${config.description ? `<meta name="description" content="${e(config.description)}">\n` : ''}<meta name="theme-color" content="${config.themeColor}">
<meta name="mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-title" content="${e(config.shortName)}">
<link rel="manifest" href="${at('manifest.webmanifest')}">
<link rel="icon" href="${at('icon.svg')}" type="image/svg+xml">
<link rel="icon" href="${at('icon-192.png')}" type="image/png" sizes="192x192">
<link rel="apple-touch-icon" href="${at('apple-touch-icon.png')}" sizes="180x180">
<link rel="stylesheet" href="${at('app.css')}">
<script src="${at('app.js')}" defer></script>
</head>
<body class="layout-${config.layoutStyle}">
<header>${config.logoUrl ? `<img src="${e(config.logoUrl)}" alt="">` : ''}<h1 dir="auto">${e(config.appName)}</h1></header>
<main>
<div id="app">
${config.welcomeMessage ? `<p class="welcome" dir="auto">${e(config.welcomeMessage)}</p>\n` : ''}<noscript>This app needs JavaScript.</noscript>
</div>
</main>
${contact.length > 0 ? `<footer>${contact.join(' ')}</footer>\n` : ''}<script type="application/json" id="wlq-config">${jsonForScript(clientConfig)}</script>
</body>
</html>
`;
}

/**
 * The business's branding as CSS variables, then the app's layout. Colours and the font list
 * were validated to be safe inside CSS (config-input.ts); text colours on every coloured
 * surface are chosen for contrast (WCAG).
 */
export function buildStylesheet({ config }: AppSource): string {
  const on = readableTextColor;
  const status = Object.entries(config.statusColors)
    .map(([name, colour]) => `--wlq-status-${name}: ${colour}; --wlq-on-status-${name}: ${on(colour)};`)
    .join(' ');
  return `:root { --wlq-theme: ${config.themeColor}; --wlq-on-theme: ${on(config.themeColor)}; --wlq-background: ${config.backgroundColor}; --wlq-text: ${on(config.backgroundColor)}; --wlq-accent: ${config.accentColor}; --wlq-on-accent: ${on(config.accentColor)}; ${status} --wlq-font: ${config.typography.fontFamily}; --wlq-base-size: ${config.typography.baseSize}px; --wlq-heading-weight: ${config.typography.headingWeight}; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; font-family: var(--wlq-font); font-size: var(--wlq-base-size); line-height: 1.45; background: var(--wlq-background); color: var(--wlq-text); }
header { display: flex; align-items: center; gap: .75rem; padding: 1rem; background: var(--wlq-theme); color: var(--wlq-on-theme); }
header img { height: 2.5rem; width: auto; }
h1 { margin: 0; font-size: 1.4em; font-weight: var(--wlq-heading-weight); }
h2 { font-size: 1.3em; margin: .5rem 0 1rem; font-weight: var(--wlq-heading-weight); }
h3 { font-size: 1.1em; margin: 1.5rem 0 .5rem; }
main { flex: 1; width: 100%; max-width: 40rem; margin: 0 auto; padding: 1.25rem 1rem; }
a { color: inherit; }
ul { list-style: none; margin: 0; padding: 0; }
.welcome { margin: 0 0 1.25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.notice { margin: 0 0 1rem; padding: .75rem 1rem; border-radius: .5rem; background: #1f2937; color: #ffffff; }
.error { padding: .75rem 1rem; border-radius: .5rem; background: #fef2f2; color: #7f1d1d; border: 1px solid #b91c1c; }
.card { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1rem; padding: 1rem; margin-bottom: .75rem; border-radius: .75rem; border: 1px solid currentColor; }
.layout-list .card { border-radius: 0; border-width: 0 0 1px; margin: 0; }
.layout-compact .card { padding: .6rem .8rem; }
.queue-name { flex: 1 1 100%; font-size: 1.1em; }
.button { display: inline-block; padding: .8rem 1.2rem; border: 0; border-radius: .6rem; background: var(--wlq-accent); color: var(--wlq-on-accent); font: inherit; font-weight: 600; text-decoration: none; text-align: center; cursor: pointer; min-height: 44px; }
.card .button { margin-inline-start: auto; }
.button.secondary { background: transparent; color: inherit; border: 2px solid currentColor; }
.button[disabled] { opacity: .7; cursor: progress; }
.field { display: flex; flex-direction: column; gap: .3rem; margin: 0 0 1rem; }
.field input, .field select, .language select { font: inherit; padding: .6rem; border: 1px solid currentColor; border-radius: .4rem; background: #ffffff; color: #111827; min-height: 44px; }
.hours { border-collapse: collapse; }
.hours th { text-align: start; padding-block: .15rem; padding-inline: 0 1rem; font-weight: 600; }
.hours td { padding: .15rem 0; }
.services li { display: flex; justify-content: space-between; gap: 1rem; padding: .4rem 0; border-bottom: 1px solid currentColor; }
.held { display: grid; gap: .5rem; margin-bottom: 1rem; }
.ticket { text-align: center; padding: 1.5rem 1rem; border-radius: 1rem; border: 2px solid currentColor; }
.ticket-number { font-size: 3.5em; font-weight: 800; margin: .25rem 0; letter-spacing: .05em; }
.ticket-facts { display: flex; justify-content: center; gap: 2rem; margin: 1rem 0 0; }
.ticket-facts dt { font-size: .9em; }
.ticket-facts dd { margin: 0; font-size: 1.5em; font-weight: 700; }
.turn { margin: -1.5rem -1rem 1rem; padding: 1.25rem 1rem; border-radius: 1rem 1rem 0 0; background: var(--wlq-status-called); color: var(--wlq-on-status-called); }
.turn h2 { font-size: 1.8em; margin: 0; }
.turn-where { font-size: 1.3em; font-weight: 700; margin: .25rem 0 0; }
.actions { margin: 1.5rem 0; text-align: center; display: grid; gap: .75rem; justify-items: center; }
.ticket-when { font-size: 1.6em; font-weight: 800; margin: .5rem 0; }
.book-services, .slot-list { display: flex; flex-wrap: wrap; gap: .5rem; }
.field input[type=date] { max-width: 14rem; }
footer { display: flex; flex-wrap: wrap; gap: 1rem; justify-content: center; padding: 1rem; font-size: .875em; }
`;
}
