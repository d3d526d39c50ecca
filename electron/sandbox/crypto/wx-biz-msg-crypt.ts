/**
 * WeChat's side of WXBizMsgCrypt (§5.5), written for the sandbox alone: the companion has its own implementation, so
 * a mistake on one side cannot cancel out a mistake on the other. Both are checked against Appendix A.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const BLOCK = 32;

/** sha1 of the parts sorted lexicographically and joined, lowercase hex: `signature` and `msg_signature` (§5.1, §5.5). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** The 32-byte AES key behind a 43-character EncodingAESKey; throws for anything else (sample error −40004). */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new Error('EncodingAESKey must be 43 base64 characters');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  return key;
}

/** PKCS#7 to 32-byte blocks, not AES's 16 (§5.5): a full block of 32 when already aligned. */
export function pad32(data: Buffer): Buffer {
  const k = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(k, k)]);
}

/** Removes the 32-byte-block PKCS#7 padding; throws when the pad byte is outside 1..32 or inconsistent. */
export function unpad32(data: Buffer): Buffer {
  const k = data[data.length - 1] ?? 0;
  if (k < 1 || k > BLOCK || k > data.length) throw new Error('bad padding');
  for (let i = data.length - k; i < data.length; i++) if (data[i] !== k) throw new Error('bad padding');
  return data.subarray(0, data.length - k);
}

/**
 * `Encrypt` for `message`: Base64(AES-256-CBC(random16 || msg_len (big-endian uint32) || msg || receiveId)),
 * IV = key[0:16], no library padding. `random` is fixed only by tests reproducing published vectors.
 */
export function encryptMessage(encodingAesKey: string, receiveId: string, message: string, random: Buffer = randomBytes(16)): string {
  if (random.length !== 16) throw new Error('random must be 16 bytes');
  const key = aesKeyOf(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = pad32(Buffer.concat([random, length, body, Buffer.from(receiveId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface DecryptedMessage {
  random: Buffer;
  message: string;
  receiveId: string;
}

/** The inverse of encryptMessage (used by the sandbox for WeCom-style echostr and by tests). Throws on any damage. */
export function decryptMessage(encodingAesKey: string, encrypted: string): DecryptedMessage {
  const key = aesKeyOf(encodingAesKey);
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % BLOCK !== 0) throw new Error('ciphertext is not a whole number of 32-byte blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = unpad32(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < 20) throw new Error('plaintext too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new Error('message length exceeds the plaintext');
  return {
    random: plain.subarray(0, 16),
    message: plain.subarray(20, 20 + length).toString('utf8'),
    receiveId: plain.subarray(20 + length).toString('utf8'),
  };
}
