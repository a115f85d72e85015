import { createHmac } from 'node:crypto';
import { parseInboundSms, parseStatusCallback, SmsCallbackError, smsSignature, verifySmsSignature } from './sms-callbacks';

// The worked example of Twilio's request-validation guide (auth token 12345).
const token = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const published = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

describe('verifySmsSignature', () => {
  it('matches the signature Twilio publishes for its example', () => {
    expect(smsSignature(token, url, params)).toBe(published);
    expect(verifySmsSignature(token, url, params, published)).toBe(true);
  });

  it('matches a vector computed here from the scheme: the URL, then each name and value sorted by name', () => {
    const callback = { To: '+15550001111', MessageStatus: 'delivered', MessageSid: 'SM0123', AccountSid: 'AC42', ErrorCode: '' };
    const signed =
      'https://api.waitlessq.test/sms/status?n=1' + 'AccountSidAC42' + 'ErrorCode' + 'MessageSidSM0123' + 'MessageStatusdelivered' + 'To+15550001111';
    const vector = createHmac('sha1', 'tok').update(signed).digest('base64');
    expect(verifySmsSignature('tok', 'https://api.waitlessq.test/sms/status?n=1', callback, vector)).toBe(true);
  });

  it('fails for a tampered parameter, an added parameter, another URL, another token, or no signature', () => {
    expect(verifySmsSignature(token, url, { ...params, Digits: '9999' }, published)).toBe(false);
    expect(verifySmsSignature(token, url, { ...params, Extra: '' }, published)).toBe(false);
    expect(verifySmsSignature(token, 'https://mycompany.com/myapp.php', params, published)).toBe(false);
    expect(verifySmsSignature('54321', url, params, published)).toBe(false);
    expect(verifySmsSignature(token, url, params, published.slice(0, -1))).toBe(false);
    expect(verifySmsSignature(token, url, params, '')).toBe(false);
    expect(verifySmsSignature(token, url, params, undefined)).toBe(false);
  });
});

describe('parseStatusCallback', () => {
  it('reads the message id, its status and the error code', () => {
    expect(parseStatusCallback({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: 'AC1' })).toEqual({
      messageId: 'SM1',
      status: 'undelivered',
      errorCode: '30003',
    });
    expect(parseStatusCallback({ SmsSid: 'SM2', SmsStatus: 'delivered' })).toEqual({ messageId: 'SM2', status: 'delivered' });
  });

  it('refuses a callback without a message id or status', () => {
    expect(() => parseStatusCallback({ MessageStatus: 'sent' })).toThrow(SmsCallbackError);
    expect(() => parseStatusCallback({ MessageSid: 'SM1' })).toThrow(SmsCallbackError);
  });
});

describe('parseInboundSms', () => {
  it.each(['STOP', 'stop', ' Stop \n', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit'])('%j opts out', (body) => {
    expect(parseInboundSms({ From: '+4915112345678', Body: body })).toEqual({ from: '+4915112345678', body, intent: 'STOP' });
  });

  it.each(['START', ' start', 'Unstop', 'yes\t'])('%j opts back in', (body) => {
    expect(parseInboundSms({ From: '+33612345678', Body: body }).intent).toBe('START');
  });

  it.each(['Please stop', 'STOP!', 'stop sending', 'yes please', 'hello', ''])('%j is no keyword: only the whole message counts', (body) => {
    expect(parseInboundSms({ From: '+33612345678', Body: body }).intent).toBeNull();
  });

  it('refuses a message without a sender', () => {
    expect(() => parseInboundSms({ Body: 'STOP' })).toThrow(SmsCallbackError);
  });
});
