// http_ece ships no types; the push test decrypts with it (RFC 8188 / RFC 8291, aes128gcm).
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export interface DecryptParams {
    version: 'aes128gcm' | 'aesgcm';
    /** The receiver's key pair (the subscription's p256dh). */
    privateKey?: ECDH;
    /** The subscription's auth secret (base64url or bytes). */
    authSecret?: string | Buffer;
    dh?: string | Buffer;
    key?: string | Buffer;
  }

  export function decrypt(buffer: Buffer, params: DecryptParams): Buffer;
}
