/**
 * The companion's one error type: a code from the shared API (COMPANION_ERROR_CODES), an HTTP status derived from
 * it, an actionable message and optional details. Routes throw it; the error handler turns it into
 * `{ error: { code, message, details? } }`.
 */
import type { CompanionErrorBody, CompanionErrorCode } from '../../shared/companion/api';

export type ErrorDetails = Record<string, string | number | boolean | null>;

export const STATUS_OF: Record<CompanionErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EXPIRED: 410,
  // The request was fine; the upstream (WeChat) refused it.
  WECHAT_ERROR: 502,
  WECHAT_UNREACHABLE: 504,
  // A precondition the owner must fix (an AppSecret not set yet): not the caller's fault, not a server fault.
  NOT_CONFIGURED: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export class CompanionError extends Error {
  readonly code: CompanionErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: CompanionErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'CompanionError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return STATUS_OF[this.code];
  }

  toBody(): CompanionErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isCompanionError(error: unknown): error is CompanionError {
  return error instanceof CompanionError;
}
