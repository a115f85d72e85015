export { planVisitNotification, sendVisitNotification, recordSmsStatus, organizationsThatTexted } from './send-notification';
export type { NotificationSender } from './send-notification';
export { stillApplies, channelsOf } from './applicable';
