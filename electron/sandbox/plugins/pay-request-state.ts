/**
 * What the pay hooks learned about a request, shared by pay-api.ts (hooks) and pay-routes.ts (routes), and the
 * errors that injected faults answer with.
 */
import type { FastifyRequest } from 'fastify';
import type { PAY_FAULT_STATUS } from '../../../shared/wechat-sandbox/control';
import { PayApiError } from '../pay/errors';
import type { PayMerchant } from '../pay/merchants';
import type { AppliedFault } from '../state/faults';

export interface PayRequestState {
  merchant: PayMerchant;
  /** An `applied` fault: the route runs, then this error is answered instead. */
  fault: AppliedFault | null;
}

/** Set for every request whose merchant is known (also refused ones: their answers are signed too). */
export const payRequests = new WeakMap<FastifyRequest, PayRequestState>();

const FAULT_MESSAGES: Record<keyof typeof PAY_FAULT_STATUS, string> = {
  SYSTEM_ERROR: '系统错误',
  FREQUENCY_LIMITED: '频率超限',
  BANK_ERROR: '银行系统异常',
  SERVICE_UNAVAILABLE: '服务不可用，请稍后重试',
};

/** The APIv3 error a fault answers with, at its documented status (§9.5). */
export function faultError(code: keyof typeof PAY_FAULT_STATUS): PayApiError {
  return new PayApiError(code, FAULT_MESSAGES[code]);
}
