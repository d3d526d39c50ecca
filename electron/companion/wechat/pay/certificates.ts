/**
 * WeChat Pay platform certificates (wechat-protocols.md §9.3): downloaded with `GET /v3/certificates`, each one's
 * `encrypt_certificate` decrypted with the APIv3 key (so only WeChat Pay, which knows that key, can hand us a
 * certificate), kept in the companion's database by serial, and chosen by `Wechatpay-Serial`. New certificates are
 * added beside the old ones, so answers signed by either verify during a rotation; an expired one is no longer
 * trusted.
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import { decryptResource, type EncryptedResource } from './aead';

export interface PlatformCertificate {
  serialNo: string;
  effectiveTime: string;
  expireTime: string;
  key: KeyObject;
  pem: string;
}

interface Row {
  serial_no: string;
  pem: string;
  effective_time: string;
  expire_time: string;
}

export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

const normalSerial = (s: string) => s.toUpperCase().replace(/^0+/, '');

/** The public key of a decrypted `encrypt_certificate`: an X.509 certificate whose serial must match the listed one. */
export function certificateKey(pem: string, listedSerial: string): KeyObject {
  if (pem.includes('BEGIN CERTIFICATE')) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new CertificateError(`Certificate ${listedSerial} does not parse`);
    }
    if (normalSerial(cert.serialNumber) !== normalSerial(listedSerial)) {
      throw new CertificateError(`Certificate listed as ${listedSerial} carries serial ${cert.serialNumber}`);
    }
    return cert.publicKey;
  }
  // A bare public key (the sandbox may hand one out instead of a certificate): trusted on the APIv3 key's authentication alone.
  try {
    return createPublicKey(pem);
  } catch {
    throw new CertificateError(`Certificate ${listedSerial} holds neither a certificate nor a public key`);
  }
}

/** The entries of a /v3/certificates answer, decrypted. Throws CertificateError or AeadError on any bad entry. */
export function decryptCertificateList(data: unknown, apiV3Key: Buffer): PlatformCertificate[] {
  const list = (data as { data?: unknown } | null)?.data;
  if (!Array.isArray(list)) throw new CertificateError('The certificate list has no data array');
  return list.map((entry: { serial_no?: unknown; effective_time?: unknown; expire_time?: unknown; encrypt_certificate?: EncryptedResource }) => {
    if (typeof entry.serial_no !== 'string' || !entry.encrypt_certificate) throw new CertificateError('A certificate entry lacks serial_no or encrypt_certificate');
    const pem = decryptResource(entry.encrypt_certificate, apiV3Key);
    return {
      serialNo: entry.serial_no,
      effectiveTime: typeof entry.effective_time === 'string' ? entry.effective_time : '',
      expireTime: typeof entry.expire_time === 'string' ? entry.expire_time : '',
      key: certificateKey(pem, entry.serial_no),
      pem,
    };
  });
}

export class PlatformCertificates {
  private readonly bySerial = new Map<string, PlatformCertificate>();

  constructor(
    private readonly db: Database.Database,
    /** Real time (certificate dates are WeChat's wall-clock dates). */
    private readonly wallNow: () => number,
  ) {
    for (const r of db.prepare<[], Row>('SELECT serial_no, pem, effective_time, expire_time FROM pay_platform_certificates').all()) {
      try {
        this.bySerial.set(r.serial_no, { serialNo: r.serial_no, effectiveTime: r.effective_time, expireTime: r.expire_time, pem: r.pem, key: certificateKey(r.pem, r.serial_no) });
      } catch {
        // A row that no longer parses is simply not trusted; the next download replaces it.
      }
    }
  }

  private expired(cert: PlatformCertificate, at: number): boolean {
    const expiry = Date.parse(cert.expireTime);
    return Number.isFinite(expiry) && expiry <= at;
  }

  /** The key of an unexpired certificate with this serial, else null. */
  keyFor(serial: string): KeyObject | null {
    const cert = this.bySerial.get(serial);
    return cert && !this.expired(cert, this.wallNow()) ? cert.key : null;
  }

  /** Every certificate known, newest expiry first (without keys). */
  list(): { serialNo: string; effectiveTime: string; expireTime: string }[] {
    return [...this.bySerial.values()]
      .sort((a, b) => b.expireTime.localeCompare(a.expireTime))
      .map(({ serialNo, effectiveTime, expireTime }) => ({ serialNo, effectiveTime, expireTime }));
  }

  /** Adds (or updates) downloaded certificates; older ones stay until they expire (rotation overlap). */
  store(certs: readonly PlatformCertificate[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO pay_platform_certificates (serial_no, pem, effective_time, expire_time, fetched_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (serial_no) DO UPDATE SET pem = excluded.pem, effective_time = excluded.effective_time, expire_time = excluded.expire_time, fetched_at = excluded.fetched_at`,
    );
    const at = new Date(this.wallNow()).toISOString();
    this.db.transaction(() => {
      for (const c of certs) upsert.run(c.serialNo, c.pem, c.effectiveTime, c.expireTime, at);
    })();
    for (const c of certs) this.bySerial.set(c.serialNo, c);
  }

  /** Forgets every certificate (a new merchant or APIv3 key makes the old ones meaningless). */
  clear(): void {
    this.db.prepare('DELETE FROM pay_platform_certificates').run();
    this.bySerial.clear();
  }

  get size(): number {
    return this.bySerial.size;
  }
}
