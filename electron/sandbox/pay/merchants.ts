/**
 * Merchants registered with the sandbox's WeChat Pay (control API `pay.merchants.put`), and the platform material
 * the sandbox signs with for each (§9.3): a WeChat Pay public key with its `PUB_KEY_ID_…`, and platform
 * certificates (self-signed X.509, 5 years). Key pairs are made on the first registration of a mchId and kept
 * across updates, so a merchant's downloaded keys stay valid; `rotate` replaces them on purpose.
 */
import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { payMerchantInputSchema, type payPlatformSchema } from '../../../shared/wechat-sandbox/pay-control';
import { selfSignedCertificate } from '../crypto/x509';
import { SandboxError } from '../errors';
import { newCertificateSerial, newPublicKeyId } from './ids';
import { beijingTime } from './time';

const generateRsa = promisify(generateKeyPair);
const CERTIFICATE_LIFETIME_MS = 5 * 365 * 86_400_000;

export type PayMerchantInput = z.input<typeof payMerchantInputSchema>;
export type PayPlatform = z.output<typeof payPlatformSchema>;

export interface PlatformCertificate {
  serialNo: string;
  certificatePem: string;
  effectiveAt: number;
  expireAt: number;
  privateKey: KeyObject;
}

export interface PayMerchant extends z.output<typeof payMerchantInputSchema> {
  /** The merchant's key that its request signatures are checked with. */
  requestKey: KeyObject;
  publicKeyId: string;
  publicKeyPem: string;
  publicKeyPrivate: KeyObject;
  /** Newest first. */
  certificates: PlatformCertificate[];
}

/** Who signs an answer: the serial that goes into `Wechatpay-Serial` and its private key. */
export interface PlatformSigner {
  serial: string;
  privateKey: KeyObject;
}

async function rsaPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return generateRsa('rsa', { modulusLength: 2048 });
}

function merchantKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new SandboxError('INVALID_INPUT', 'publicKeyPem is neither a PEM public key nor a PEM certificate');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new SandboxError('INVALID_INPUT', 'the merchant key must be RSA (WECHATPAY2-SHA256-RSA2048)');
  return key;
}

export class MerchantRegistry {
  private readonly merchants = new Map<string, PayMerchant>();
  /** One registration per mchId at a time, so two concurrent first registrations do not make two key sets. */
  private readonly queue = new Map<string, Promise<unknown>>();

  /** `wallNow` dates certificates and key ids (real time: the merchant checks them against its own clock). */
  constructor(private readonly wallNow: () => number) {}

  get(mchId: string): PayMerchant | undefined {
    return this.merchants.get(mchId);
  }

  /** Registers or updates; throws a zod error for an invalid definition, SandboxError for an unusable key. */
  async put(input: PayMerchantInput): Promise<PayMerchant> {
    const parsed = payMerchantInputSchema.parse(input);
    const requestKey = merchantKey(parsed.publicKeyPem);
    return this.serial(parsed.mchId, async () => {
      const existing = this.merchants.get(parsed.mchId);
      if (existing) {
        // The input's publicKeyPem is the merchant's API key (kept as requestKey); the WeChat Pay public key the
        // merchant already downloaded must stay, or every answer and notification after a re-registration fails.
        const { publicKeyPem: _merchantKeyPem, ...rest } = parsed;
        Object.assign(existing, rest, { requestKey });
        return existing;
      }
      const [pub, cert] = await Promise.all([rsaPair(), this.newCertificate(parsed.mchId)]);
      const merchant: PayMerchant = {
        ...parsed,
        requestKey,
        publicKeyId: newPublicKeyId(parsed.mchId, this.wallNow()),
        publicKeyPem: pub.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        publicKeyPrivate: pub.privateKey,
        certificates: [cert],
      };
      this.merchants.set(merchant.mchId, merchant);
      return merchant;
    });
  }

  /** A new platform certificate (newest signs) or a new WeChat Pay public key and id. */
  rotate(mchId: string, kind: 'certificate' | 'publicKey', retirePrevious: boolean): Promise<PayMerchant> {
    return this.serial(mchId, async () => {
      const merchant = this.merchants.get(mchId);
      if (!merchant) throw new SandboxError('NOT_FOUND', `no merchant ${mchId} in the sandbox`);
      if (kind === 'certificate') {
        const cert = await this.newCertificate(mchId);
        merchant.certificates = retirePrevious ? [cert] : [cert, ...merchant.certificates];
      } else {
        const pub = await rsaPair();
        merchant.publicKeyId = newPublicKeyId(mchId, this.wallNow());
        merchant.publicKeyPem = pub.publicKey.export({ type: 'spki', format: 'pem' }).toString();
        merchant.publicKeyPrivate = pub.privateKey;
      }
      return merchant;
    });
  }

  /**
   * The key for an answer to `merchant`: the one named by the request's `Wechatpay-Serial` when it names one of
   * this merchant's (§9.3: merchants migrating to the public key ask for it this way), else the merchant's mode.
   */
  signerFor(merchant: PayMerchant, requested?: string): PlatformSigner {
    if (requested === merchant.publicKeyId) return { serial: merchant.publicKeyId, privateKey: merchant.publicKeyPrivate };
    const named = requested ? merchant.certificates.find((c) => c.serialNo === requested.toUpperCase()) : undefined;
    if (named) return { serial: named.serialNo, privateKey: named.privateKey };
    if (merchant.verification === 'publicKey') return { serial: merchant.publicKeyId, privateKey: merchant.publicKeyPrivate };
    const newest = merchant.certificates[0]!;
    return { serial: newest.serialNo, privateKey: newest.privateKey };
  }

  /** The control API's view of a merchant's platform material. */
  platformOf(merchant: PayMerchant): PayPlatform {
    return {
      mchId: merchant.mchId,
      verification: merchant.verification,
      publicKeyId: merchant.publicKeyId,
      publicKeyPem: merchant.publicKeyPem,
      certificates: merchant.certificates.map((c) => ({
        serialNo: c.serialNo,
        certificatePem: c.certificatePem,
        effectiveTime: beijingTime(c.effectiveAt),
        expireTime: beijingTime(c.expireAt),
      })),
    };
  }

  private async newCertificate(mchId: string): Promise<PlatformCertificate> {
    const { publicKey, privateKey } = await rsaPair();
    // A minute's grace before now, so a merchant whose clock is slightly behind does not see a future certificate.
    const effectiveAt = this.wallNow() - 60_000;
    const expireAt = effectiveAt + CERTIFICATE_LIFETIME_MS;
    const serialNo = newCertificateSerial();
    const certificatePem = selfSignedCertificate({ serialHex: serialNo, commonName: `${mchId} 微信支付平台证书（沙箱）`, notBefore: effectiveAt, notAfter: expireAt, publicKey, privateKey });
    return { serialNo, certificatePem, effectiveAt, expireAt, privateKey };
  }

  private serial<T>(mchId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queue.get(mchId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queue.set(mchId, next);
    void next.finally(() => {
      if (this.queue.get(mchId) === next) this.queue.delete(mchId);
    }).catch(() => undefined);
    return next;
  }
}
