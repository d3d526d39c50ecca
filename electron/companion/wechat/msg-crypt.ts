/**
 * WXBizMsgCrypt, the scheme WeChat uses for pushes in safe ("安全") and compatible mode and WeCom for every callback
 * (wechat-protocols.md §5.5): SHA-1 signatures over the sorted strings, AES-256-CBC with IV = key[0:16] and PKCS#7
 * padding to 32-byte blocks, plaintext `random(16) || len (u32 BE) || msg || receiveid`.
 *
 * Our own implementation, checked against the published vectors (Appendix A): the sandbox has its own, so a bug on
 * one side cannot cancel out a bug on the other.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The sample libraries' error codes, kept so a log line can be matched with WeChat's documentation. */
export const CRYPT_ERRORS = {
  signature: -40001,
  parseXml: -40002,
  illegalAesKey: -40004,
  receiveId: -40005,
  decrypt: -40007,
  illegalBuffer: -40008,
  base64: -40010,
} as const;

export class MsgCryptError extends Error {
  constructor(
    readonly cryptCode: (typeof CRYPT_ERRORS)[keyof typeof CRYPT_ERRORS],
    message: string,
  ) {
    super(message);
    this.name = 'MsgCryptError';
  }
}

const BLOCK = 32;

/** `sha1(join(sort(parts)))`, lowercase hex: the URL `signature` (token, timestamp, nonce) and `msg_signature` (+ Encrypt). */
export function sha1Signature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Compares a received signature with the expected one in constant time (both are 40 hex characters). */
export function signatureMatches(received: string | undefined, expected: string): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(received.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** EncodingAESKey (43 characters) → the 32-byte AES key. */
export function decodeAesKey(encodingAesKey: string): Buffer {
  const key = /^[A-Za-z0-9+/]{43}$/.test(encodingAesKey) ? Buffer.from(`${encodingAesKey}=`, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new MsgCryptError(CRYPT_ERRORS.illegalAesKey, 'The EncodingAESKey must be 43 characters of base64 (32 bytes)');
  return key;
}

function pad32(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad32(data: Buffer): Buffer {
  const n = data.length > 0 ? data[data.length - 1]! : 0;
  if (n < 1 || n > BLOCK || n > data.length) throw new MsgCryptError(CRYPT_ERRORS.decrypt, 'Bad padding after decryption');
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) throw new MsgCryptError(CRYPT_ERRORS.decrypt, 'Bad padding after decryption');
  }
  return data.subarray(0, data.length - n);
}

/** Encrypts `message` for `receiveId` → the base64 `Encrypt` value. `random` (16 bytes) is fixed only by tests. */
export function encryptMessage(key: Buffer, message: string, receiveId: string, random: Buffer = randomBytes(16)): string {
  if (random.length !== 16) throw new Error('random must be 16 bytes');
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = pad32(Buffer.concat([random, len, msg, Buffer.from(receiveId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface Decrypted {
  message: string;
  receiveId: string;
}

/** Decrypts a base64 `Encrypt` value. Does not check the signature or the receiveid: see WXBizMsgCrypt for that. */
export function decryptMessage(key: Buffer, encrypted: string): Decrypted {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new MsgCryptError(CRYPT_ERRORS.base64, 'Encrypt is not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new MsgCryptError(CRYPT_ERRORS.illegalBuffer, 'Encrypt has a length that is not whole AES blocks');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = unpad32(Buffer.concat([decipher.update(data), decipher.final()]));
  } catch (error) {
    if (error instanceof MsgCryptError) throw error;
    throw new MsgCryptError(CRYPT_ERRORS.decrypt, 'AES decryption failed');
  }
  if (plain.length < 20) throw new MsgCryptError(CRYPT_ERRORS.illegalBuffer, 'Decrypted buffer is too short');
  const len = plain.readUInt32BE(16);
  if (20 + len > plain.length) throw new MsgCryptError(CRYPT_ERRORS.illegalBuffer, 'Message length exceeds the decrypted buffer');
  return {
    message: plain.subarray(20, 20 + len).toString('utf8'),
    receiveId: plain.subarray(20 + len).toString('utf8'),
  };
}

/**
 * One account's crypto: its Token, EncodingAESKey and receiveid (the OA/mini-program appid, the WeCom corpid or
 * suite_id; "" for WeCom smart-robot callbacks).
 */
export class WXBizMsgCrypt {
  private readonly key: Buffer;

  constructor(
    private readonly token: string,
    encodingAesKey: string,
    private readonly receiveId: string,
  ) {
    this.key = decodeAesKey(encodingAesKey);
  }

  /** The plain `signature` of a URL verification or plain-mode push: sha1(sort(token, timestamp, nonce)). */
  verifyUrlSignature(signature: string | undefined, timestamp: string, nonce: string): boolean {
    return signatureMatches(signature, sha1Signature(this.token, timestamp, nonce));
  }

  /** WeCom-style URL verification: `msg_signature` over the encrypted echostr; returns the plaintext to answer. */
  verifyUrl(msgSignature: string | undefined, timestamp: string, nonce: string, echostr: string): string {
    return this.decrypt(msgSignature, timestamp, nonce, echostr);
  }

  /** Verifies msg_signature over (token, timestamp, nonce, Encrypt), decrypts and checks the receiveid. */
  decrypt(msgSignature: string | undefined, timestamp: string, nonce: string, encrypted: string): string {
    if (!signatureMatches(msgSignature, sha1Signature(this.token, timestamp, nonce, encrypted))) {
      throw new MsgCryptError(CRYPT_ERRORS.signature, 'msg_signature does not match');
    }
    const { message, receiveId } = decryptMessage(this.key, encrypted);
    if (receiveId !== this.receiveId) {
      throw new MsgCryptError(CRYPT_ERRORS.receiveId, 'The message was encrypted for another account (receiveid mismatch)');
    }
    return message;
  }

  /** A passive reply in the encrypted envelope (§5.5). */
  encryptReply(reply: string, timestamp: string, nonce: string, random?: Buffer): string {
    const encrypted = encryptMessage(this.key, reply, this.receiveId, random);
    const signature = sha1Signature(this.token, timestamp, nonce, encrypted);
    return (
      `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`
    );
  }
}
