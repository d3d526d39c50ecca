/**
 * `pay.test`: one signed call whose answer's signature is verified — GET /v3/certificates in platformCertificates
 * mode (which also refreshes the stored certificates), or a query of an order that cannot exist in publicKey mode
 * (WeChat Pay answers a signed 404 ORDER_NOT_EXIST, which proves our signature was accepted and theirs verifies).
 */
import { randomBytes } from 'node:crypto';
import type { PayVerifyMode } from '../../../../shared/companion/api';
import type { PayClient } from '../../wechat/pay/client';
import { NOT_FOUND_CODES, PayApiError } from '../../wechat/pay/errors';
import type { PaySettingsService } from './settings';

export interface ConnectionTestResult {
  ok: boolean;
  verifyMode: PayVerifyMode;
  call: string;
  httpStatus: number | null;
  verifiedSerial: string | null;
  code: string | null;
  message: string;
  platformCertificates: { serialNo: string; effectiveTime: string; expireTime: string }[];
}

export async function testConnection(settings: PaySettingsService, client: PayClient, memberId: string | null): Promise<ConnectionTestResult> {
  const creds = settings.credentials();
  const mode = creds.verifyMode;
  const probeNo = `CSTEST${randomBytes(8).toString('hex')}`;
  const call = mode === 'platformCertificates' ? 'GET /v3/certificates' : `GET /v3/pay/transactions/out-trade-no/${probeNo}?mchid=${creds.mchId}`;
  const base = { verifyMode: mode, call, platformCertificates: settings.get().platformCertificates };
  try {
    if (mode === 'platformCertificates') {
      const { certificates, serial } = await client.refreshCertificates(memberId);
      return {
        ...base,
        ok: true,
        httpStatus: 200,
        verifiedSerial: serial,
        code: null,
        message: `已下载并验证 ${certificates.length} 张平台证书，应答签名有效。 / Downloaded ${certificates.length} platform certificate(s); the answer's signature verifies.`,
        platformCertificates: settings.get().platformCertificates,
      };
    }
    const answer = await client.request({ method: 'GET', url: call.slice(4), apiPath: '/v3/pay/transactions/out-trade-no/{out_trade_no}', memberId });
    return { ...base, ok: true, httpStatus: answer.status, verifiedSerial: answer.serial, code: null, message: 'Signed call accepted; the answer verifies.' };
  } catch (error) {
    if (!(error instanceof PayApiError)) throw error;
    if (mode === 'publicKey' && NOT_FOUND_CODES.has(error.payCode) && error.verifiedSerial) {
      return {
        ...base,
        ok: true,
        httpStatus: error.httpStatus,
        verifiedSerial: error.verifiedSerial,
        code: null,
        message: `签名请求已被接受，应答由 ${error.verifiedSerial} 签名且验证通过。 / Our signed request was accepted and the answer verifies with ${error.verifiedSerial}.`,
      };
    }
    if (mode === 'publicKey' && NOT_FOUND_CODES.has(error.payCode)) {
      return { ...base, ok: false, httpStatus: error.httpStatus, verifiedSerial: null, code: 'UNSIGNED', message: 'WeChat Pay answered without a signature: nothing could be verified.' };
    }
    return { ...base, ok: false, httpStatus: error.httpStatus, verifiedSerial: error.verifiedSerial, code: error.payCode, message: error.message };
  }
}
