import { escapeHtml, jsonForScript, readableTextColor, type AppSource } from './app-source';

/**
 * The branded shell: the business's name, colours and welcome, links to what the app offers,
 * and the settings the client script reads from #wlq-config. Every configured text is escaped;
 * colours and the font list were validated to be safe inside CSS.
 */
export function buildIndexHtml(source: AppSource): string {
  const { config } = source;
  const e = escapeHtml;
  const onTheme = readableTextColor(config.themeColor);
  const onBackground = readableTextColor(config.backgroundColor);
  const actions = [
    config.features.joinQueue && ['#/join', 'Join the queue'],
    config.features.appointments && ['#/book', 'Book an appointment'],
    config.features.visitHistory && ['#/visits', 'My visits'],
  ].filter((action): action is [string, string] => Array.isArray(action));
  const contact = [
    config.contactPhone && `<a href="tel:${e(config.contactPhone.replace(/[^+0-9]/g, ''))}">${e(config.contactPhone)}</a>`,
    config.contactEmail && `<a href="mailto:${e(config.contactEmail)}">${e(config.contactEmail)}</a>`,
    config.privacyUrl && `<a href="${e(config.privacyUrl)}" rel="noopener">Privacy</a>`,
    config.termsUrl && `<a href="${e(config.termsUrl)}" rel="noopener">Terms</a>`,
  ].filter(Boolean);
  const clientConfig = {
    businessId: source.businessId,
    version: source.version,
    apiPath: source.apiPath,
    features: config.features,
    languages: config.languages,
    defaultLanguage: config.defaultLanguage,
    layoutStyle: config.layoutStyle,
    statusColors: config.statusColors,
    push: config.push,
  };
  const statusVariables = Object.entries(config.statusColors)
    .map(([status, colour]) => `--wlq-status-${status}: ${colour};`)
    .join(' ');

  return `<!doctype html>
<html lang="${e(config.defaultLanguage)}" dir="${config.rightToLeft ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${e(config.appName)}</title>
${config.description ? `<meta name="description" content="${e(config.description)}">\n` : ''}<meta name="theme-color" content="${config.themeColor}">
<link rel="manifest" href="manifest.webmanifest">
<link rel="icon" href="icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="${e(config.iconUrl ?? 'icon.svg')}">
<style>
:root { --wlq-theme: ${config.themeColor}; --wlq-on-theme: ${onTheme}; --wlq-background: ${config.backgroundColor}; --wlq-text: ${onBackground}; --wlq-accent: ${config.accentColor}; --wlq-on-accent: ${readableTextColor(config.accentColor)}; ${statusVariables} --wlq-font: ${config.typography.fontFamily}; --wlq-base-size: ${config.typography.baseSize}px; --wlq-heading-weight: ${config.typography.headingWeight}; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; font-family: var(--wlq-font); font-size: var(--wlq-base-size); background: var(--wlq-background); color: var(--wlq-text); }
header { display: flex; align-items: center; gap: .75rem; padding: 1rem; background: var(--wlq-theme); color: var(--wlq-on-theme); }
header img { height: 2.5rem; width: auto; }
h1 { margin: 0; font-size: 1.4em; font-weight: var(--wlq-heading-weight); }
main { flex: 1; width: 100%; max-width: 40rem; margin: 0 auto; padding: 1.25rem 1rem; }
.welcome { margin: 0 0 1.25rem; line-height: 1.5; }
nav { display: grid; gap: .75rem; }
.layout-list nav { gap: 0; }
.layout-compact nav { grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); }
nav a { display: block; padding: 1rem; border-radius: .75rem; background: var(--wlq-accent); color: var(--wlq-on-accent); font-weight: 600; text-decoration: none; text-align: center; }
.layout-list nav a { border-radius: 0; border-bottom: 1px solid rgba(0, 0, 0, .1); text-align: start; }
footer { display: flex; flex-wrap: wrap; gap: 1rem; justify-content: center; padding: 1rem; font-size: .875em; }
footer a { color: inherit; }
</style>
</head>
<body class="layout-${config.layoutStyle}">
<header>${config.logoUrl ? `<img src="${e(config.logoUrl)}" alt="">` : ''}<h1>${e(config.appName)}</h1></header>
<main id="app">
${config.welcomeMessage ? `<p class="welcome">${e(config.welcomeMessage)}</p>\n` : ''}<nav>
${actions.map(([href, label]) => `<a href="${href}">${e(label)}</a>`).join('\n')}
</nav>
</main>
${contact.length > 0 ? `<footer>${contact.join(' ')}</footer>\n` : ''}<script type="application/json" id="wlq-config">${jsonForScript(clientConfig)}</script>
<script>
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () { navigator.serviceWorker.register('sw.js'); });
}
</script>
</body>
</html>
`;
}
