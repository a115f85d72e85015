import { escapeHtml, formatInstant, shorten } from './format';
import { messages, pickLanguage } from './language';
import type { InvitationContent, Messages, NotificationContent, NotificationKind, RenderedInvitation, RenderedNotification, View } from './types';

// Room left in a 160-character SMS after the link, the opt-out and the message itself.
const smsBusinessNameMax = 24;

/**
 * One notification in one language, for every channel. `language` may be any BCP 47 tag
 * (`de-AT` writes German); an unsupported one writes English.
 */
export function renderNotification(kind: NotificationKind, language: string, content: NotificationContent): RenderedNotification {
  const lang = pickLanguage(language);
  const m = messages[lang];
  const template = m.kinds[kind];
  if (!template) throw new Error(`no template for the notification kind ${String(kind)}`);
  const view = viewOf(content, lang);
  const subject = template.subject(view);
  const intro = template.intro(view);
  const details = template.details.flatMap((line) => detailLine(m, view, line));
  const footer = m.footer(content.businessName);

  const text = [
    intro,
    details.join('\n'),
    `${m.viewTicket}: ${content.ticketUrl}`,
    ['--', footer, ...(content.unsubscribeUrl ? [`${m.unsubscribe}: ${content.unsubscribeUrl}`] : [])].join('\n'),
  ]
    .filter(Boolean)
    .join('\n\n');

  const html = htmlDocument(lang, subject, [
    `<p style="font-size:16px">${escapeHtml(intro)}</p>`,
    details.length ? `<p>${details.map(escapeHtml).join('<br>')}</p>` : '',
    `<p><a href="${escapeHtml(content.ticketUrl)}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(m.viewTicket)}</a></p>`,
    `<p style="font-size:12px;color:#666">${escapeHtml(footer)}${
      content.unsubscribeUrl ? `<br><a href="${escapeHtml(content.unsubscribeUrl)}" style="color:#666">${escapeHtml(m.unsubscribe)}</a>` : ''
    }</p>`,
  ]);

  const smsView = { ...view, business: shorten(view.business, smsBusinessNameMax), counter: view.counter && shorten(view.counter, 16) };
  const sms = `${template.sms(smsView)} ${content.ticketUrl} ${m.smsOptOut}`;

  return { subject, text, html, sms, push: { title: template.pushTitle(view), body: intro } };
}

/** The email inviting a person to an organization's staff. */
export function renderInvitation(language: string, content: InvitationContent): RenderedInvitation {
  const lang = pickLanguage(language);
  const m = messages[lang].invitation;
  const zone = content.timezone ?? 'UTC';
  const role = messages[lang].roles[content.role.toUpperCase()] ?? content.role;
  const expires = m.expires(`${formatInstant(content.expiresAt, lang, zone, 'long')} (${zone})`);
  const subject = m.subject(content.organizationName);
  const intro = m.intro(content.inviterName, content.organizationName, role);
  const text = [intro, `${m.accept}: ${content.acceptUrl}`, expires, m.ignore].join('\n\n');
  const html = htmlDocument(lang, subject, [
    `<p style="font-size:16px">${escapeHtml(intro)}</p>`,
    `<p><a href="${escapeHtml(content.acceptUrl)}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(m.accept)}</a></p>`,
    `<p>${escapeHtml(expires)}</p>`,
    `<p style="font-size:12px;color:#666">${escapeHtml(m.ignore)}</p>`,
  ]);
  return { subject, text, html };
}

function viewOf(content: NotificationContent, lang: string): View {
  const at = content.scheduledAt;
  return {
    business: content.businessName,
    queue: content.queueName,
    ticket: content.ticket,
    position: content.position,
    waitMinutes: content.estimatedWaitMinutes,
    counter: content.counter,
    when: at ? formatInstant(at, lang, content.timezone, 'long') : null,
    whenShort: at ? formatInstant(at, lang, content.timezone, 'short') : null,
  };
}

function detailLine(m: Messages, v: View, line: Messages['kinds'][NotificationKind]['details'][number]): string[] {
  switch (line) {
    case 'ticket':
      return v.ticket ? [m.details.ticket(v.ticket)] : [];
    case 'position':
      return v.position ? [m.details.position(v.position)] : [];
    case 'wait':
      return v.waitMinutes !== null && v.waitMinutes >= 0 ? [m.details.wait(v.waitMinutes)] : [];
    case 'counter':
      return v.counter ? [m.details.counter(v.counter)] : [];
    case 'when':
      return v.when ? [m.details.when(v.when)] : [];
  }
}

function htmlDocument(lang: string, title: string, body: string[]): string {
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;line-height:1.5;color:#1b1f24">',
    ...body.filter(Boolean),
    '</body>',
    '</html>',
  ].join('\n');
}
