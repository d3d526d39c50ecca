/**
 * WeChat Pay notifications (wechat-protocols.md §9.6), payment and refund alike:
 *
 * 1. the signature is verified by `Wechatpay-Serial` (either verification mode), with the 5-minute timestamp window
 *    and signature probes refused — 401, nothing read further;
 * 2. the resource is decrypted with the APIv3 key (AEAD_AES_256_GCM) — a tampered ciphertext, nonce, associated
 *    data or tag is 400;
 * 3. in one transaction: a notification id seen before changes nothing (still success); otherwise the ledger applies
 *    it — never crediting an amount, mchid or appid that disagrees with the order, which becomes an alert — and the
 *    id is recorded;
 * 4. success (200) only after that commit; a failed write is 500, so WeChat Pay retries.
 *
 * An authentic notification that disagrees with our records is answered success: its alert is stored, and WeChat's
 * retries could not change it.
 */
import { AeadError, decryptResource, type EncryptedResource } from '../../wechat/pay/aead';
import type { PayClient } from '../../wechat/pay/client';
import { PaySignatureError, type HeaderBag } from '../../wechat/pay/verifier';
import type { Ledger, WechatRefund, WechatTransaction } from './ledger';
import type { PaySettingsService } from './settings';

export interface NotifyAnswer {
  status: number;
  body: { code: 'SUCCESS' | 'FAIL'; message: string };
  /** For logs and tests: what happened. */
  outcome: 'applied' | 'unchanged' | 'duplicate' | 'alert' | 'ignored' | 'refused' | 'error';
  reason?: string;
}

const fail = (status: number, outcome: NotifyAnswer['outcome'], reason: string): NotifyAnswer => ({ status, body: { code: 'FAIL', message: '失败' }, outcome, reason });

interface Envelope {
  id?: unknown;
  event_type?: unknown;
  resource?: EncryptedResource & { original_type?: string };
}

export class NotificationService {
  constructor(
    private readonly deps: {
      ledger: Ledger;
      settings: PaySettingsService;
      client: PayClient;
      log: (message: string, fields?: Record<string, unknown>) => void;
    },
  ) {}

  async handle(headers: HeaderBag, rawBody: Buffer): Promise<NotifyAnswer> {
    const { ledger, settings, client, log } = this.deps;
    let creds;
    try {
      creds = settings.credentials();
    } catch {
      // Not set up yet: WeChat Pay will retry (§9.6 schedule) once it is.
      return fail(503, 'error', 'not_configured');
    }
    try {
      await client.verify({ headers, body: rawBody }, creds);
    } catch (error) {
      const reason = error instanceof PaySignatureError ? error.reason : 'verification_error';
      log('pay notification refused', { reason, serial: error instanceof PaySignatureError ? error.serial : null });
      return fail(401, 'refused', reason);
    }
    let envelope: Envelope;
    let plain: Record<string, unknown>;
    try {
      envelope = JSON.parse(rawBody.toString('utf8')) as Envelope;
      if (typeof envelope.id !== 'string' || typeof envelope.event_type !== 'string' || !envelope.resource) throw new SyntaxError('not a notification');
      plain = JSON.parse(decryptResource(envelope.resource, creds.apiV3Key)) as Record<string, unknown>;
      if (plain === null || typeof plain !== 'object') throw new SyntaxError('not an object');
    } catch (error) {
      const reason = error instanceof AeadError ? 'decrypt_failed' : 'malformed';
      log('pay notification refused', { reason });
      return fail(400, 'refused', reason);
    }
    const id = envelope.id as string;
    const eventType = envelope.event_type as string;
    try {
      const outcome = ledger.tx((): NotifyAnswer['outcome'] => {
        if (ledger.seen(id)) return 'duplicate';
        let result: NotifyAnswer['outcome'] = 'ignored';
        if (eventType.startsWith('TRANSACTION.')) {
          const applied = ledger.applyTransaction(plain as WechatTransaction, 'notify', id);
          result = applied.alert ? 'alert' : applied.changed ? 'applied' : 'unchanged';
        } else if (eventType.startsWith('REFUND.')) {
          const applied = ledger.applyRefund(plain as WechatRefund, 'notify', id);
          result = applied.alert ? 'alert' : applied.changed ? 'applied' : 'unchanged';
        }
        const str = (v: unknown) => (typeof v === 'string' ? v : null);
        ledger.markSeen(id, eventType, str(plain.out_trade_no), str(plain.out_refund_no), result);
        return result;
      });
      if (outcome === 'alert') log('pay notification disagrees with our records: alert recorded', { id, eventType });
      return { status: 200, body: { code: 'SUCCESS', message: '成功' }, outcome };
    } catch (error) {
      log('pay notification could not be stored', { id, error: (error as Error).message });
      return fail(500, 'error', 'store_failed');
    }
  }
}
