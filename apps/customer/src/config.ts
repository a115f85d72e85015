/** What publishPwa writes into each version's page (#wlq-config), read once at start. */
export interface AppConfig {
  businessId: string;
  version: number;
  appName: string;
  apiPath: string;
  features: { joinQueue: boolean; appointments: boolean; visitHistory: boolean; notifications: boolean; offline: boolean };
  languages: string[];
  defaultLanguage: string;
  rightToLeft: boolean;
  welcomeMessage: string | null;
  /** Web push: the server's VAPID public key (base64url); null when push is not configured. */
  vapidPublicKey: string | null;
}

export function readConfig(doc: Document): AppConfig {
  const element = doc.getElementById('wlq-config');
  if (!element?.textContent) throw new Error('The page has no #wlq-config.');
  return JSON.parse(element.textContent) as AppConfig;
}
