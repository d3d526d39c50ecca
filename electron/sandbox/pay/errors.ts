/**
 * WeChat Pay APIv3 errors (§9.5): an HTTP status and `{ code, message, detail? }`. Routes throw PayApiError; the
 * pay plugin answers it (signed, like every other answer).
 */

export interface PayErrorBody {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

const STATUS: Record<string, number> = {
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  APPID_MCHID_NOT_MATCH: 400,
  MCH_NOT_EXISTS: 400,
  ORDER_CLOSED: 400,
  SIGN_ERROR: 401,
  NO_AUTH: 403,
  OUT_TRADE_NO_USED: 403,
  TRADE_ERROR: 403,
  NOT_ENOUGH: 403,
  ORDER_NOT_EXIST: 404,
  RESOURCE_NOT_EXISTS: 404,
  FREQUENCY_LIMITED: 429,
  SYSTEM_ERROR: 500,
  BANK_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export class PayApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: string,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.status = STATUS[code] ?? 400;
  }

  toBody(): PayErrorBody {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message };
  }
}

/** 400 PARAM_ERROR naming the field by its JSON pointer, as real answers do (`/amount/total`). */
export function paramError(field: string, issue: string, value?: unknown): PayApiError {
  const detail: Record<string, unknown> = { location: 'body', field, issue };
  if (value !== undefined) detail.value = value;
  return new PayApiError('PARAM_ERROR', `输入源“/body${field}”校验失败：${issue}`, detail);
}
