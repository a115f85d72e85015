export { renderNotification, renderInvitation } from './render';
export { pickLanguage, supportedLanguages, defaultLanguage, isSupportedLanguage } from './language';
export type { SupportedLanguage } from './language';
export { escapeHtml } from './format';
export { notificationKinds } from './types';
export type { NotificationKind, NotificationContent, RenderedNotification, InvitationContent, RenderedInvitation } from './types';
