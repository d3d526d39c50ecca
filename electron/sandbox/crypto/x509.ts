/**
 * A self-signed X.509 certificate for the sandbox's platform keys (§9.3). node:crypto can parse certificates but
 * not make them, so this writes the few DER structures RFC 5280 needs (v3, no extensions, sha256WithRSAEncryption)
 * and signs them with node:crypto; `new X509Certificate(pem)` reads the result back in the tests.
 */
import { sign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const printable = (text: string) => tlv(0x13, Buffer.from(text, 'ascii'));

/** A positive INTEGER from big-endian bytes (a leading 0x00 keeps the sign bit clear). */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  const body = bytes.subarray(start);
  return tlv(0x02, body[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return ms < Date.UTC(2050, 0, 1) ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

function name(parts: Array<[string, string]>): Buffer {
  const OIDS: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
  return seq(...parts.map(([key, value]) => set(seq(oid(OIDS[key]!), key === 'C' ? printable(value) : utf8(value)))));
}

export interface CertificateInput {
  /** Hex serial (the `Wechatpay-Serial` value); its first digit must be 1–7 so DER needs no leading zero. */
  serialHex: string;
  commonName: string;
  notBefore: number;
  notAfter: number;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** A PEM certificate for `publicKey`, issued by itself and signed with `privateKey`. */
export function selfSignedCertificate(input: CertificateInput): string {
  const subject = name([
    ['C', 'CN'],
    ['O', 'WeChat Pay Sandbox'],
    ['OU', 'Creator Studio sandbox (not Tenpay)'],
    ['CN', input.commonName],
  ]);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from(input.serialHex, 'hex')),
    SHA256_WITH_RSA,
    subject,
    seq(time(input.notBefore), time(input.notAfter)),
    subject,
    input.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, input.privateKey);
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
