import { Writable } from 'node:stream';
import { loadConfig } from '@waitlessq/config';
import pino from 'pino';
import webpush from 'web-push';
import { createChannels } from './create-channels';
import { PermanentSendError } from './errors';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a'.repeat(48),
  IDENTITY_SIGNING_SECRET: 'b'.repeat(48),
  VISIT_TOKEN_SECRET: 'c'.repeat(48),
  DATABASE_URL: 'postgres://db.example/waitlessq',
  REDIS_URL: 'redis://redis.example:6379',
};

describe('createChannels', () => {
  it('in development with nothing configured: email to the log, no push, no SMS', () => {
    const { logger } = capturingLogger();
    const channels = createChannels(loadConfig('workers', { NODE_ENV: 'development' }), logger);
    expect(channels.email.kind).toBe('log');
    expect(channels.push).toBeNull();
    expect(channels.sms).toBeNull();
  });

  it('with SMTP, VAPID and an SMS provider configured: every channel', () => {
    const { logger, lines } = capturingLogger();
    const { publicKey, privateKey } = webpush.generateVAPIDKeys();
    const config = loadConfig('workers', {
      NODE_ENV: 'development',
      SMTP_URL: 'smtp://mail.example:587',
      VAPID_PUBLIC_KEY: publicKey,
      VAPID_PRIVATE_KEY: privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.test',
      SMS_PROVIDER_URL: 'https://api.sms.example',
      SMS_ACCOUNT_SID: 'AC1',
      SMS_AUTH_TOKEN: 'token',
      SMS_FROM: '+15005550006',
    });
    const channels = createChannels(config, logger);
    expect(channels.email.kind).toBe('smtp');
    expect(channels.push).not.toBeNull();
    expect(channels.sms).not.toBeNull();
    expect(lines.at(-1)).toMatchObject({ msg: 'notification channels', email: 'smtp', push: true, sms: true });
  });

  it('in production without SMTP_URL: email is off (refused for good, never logged) and says so at start', async () => {
    const { logger, lines } = capturingLogger();
    const channels = createChannels(loadConfig('workers', production), logger);
    expect(channels.email.kind).toBe('off');
    expect(lines.some((line) => line.level === 40 && /SMTP_URL/.test(String(line.msg)))).toBe(true);
    await expect(channels.email.send({ to: 'a@example.test', subject: 's', text: 't', html: 't', language: 'en' })).rejects.toBeInstanceOf(PermanentSendError);
  });
});
