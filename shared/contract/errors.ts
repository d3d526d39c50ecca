/**
 * Error codes every contract method may answer with. The renderer translates `error.<CODE>`; `message` is English
 * for logs and developers, never shown as-is to a creator.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'OFFLINE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'WECHAT_ERROR',
  /** WeChat (or the sandbox) could not be reached by the companion. */
  'WECHAT_UNREACHABLE',
  /** The companion is not configured, still starting, restarting, or unreachable (OFFLINE is the host itself). */
  'COMPANION_UNAVAILABLE',
  /** Something the call needs is not set up yet (e.g. WeChat Pay on the companion). */
  'NOT_CONFIGURED',
  'RATE_LIMITED',
  /** The publish gate refused: block findings or unacknowledged must-fix findings (listed in `fields`). */
  'COMPLIANCE_BLOCKED',
  'EXPIRED',
  'WORKSPACE_UNAVAILABLE',
  'UNKNOWN_METHOD',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A problem with one field of the input: a dotted path and a code the renderer translates as `field.<code>`. */
export interface FieldProblem {
  path: string;
  code: string;
}

export interface ContractError {
  code: ErrorCode;
  /** English, for logs; the UI shows a translation of `code` (and of each field problem). */
  message: string;
  /** Present on INVALID_INPUT: which fields are wrong and why. */
  fields?: FieldProblem[];
  /** Extra facts the UI may show, e.g. the current version on CONFLICT. */
  details?: Record<string, string | number | boolean | null>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Thrown by host services and by the renderer's client; carries a ContractError across layers. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[] | undefined;
  readonly details: ContractError['details'];

  constructor(code: ErrorCode, message: string, extra: { fields?: FieldProblem[]; details?: ContractError['details'] } = {}) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.fields = extra.fields;
    this.details = extra.details;
  }

  toJSON(): ContractError {
    const out: ContractError = { code: this.code, message: this.message };
    if (this.fields) out.fields = this.fields;
    if (this.details) out.details = this.details;
    return out;
  }

  static from(error: ContractError): StudioError {
    return new StudioError(error.code, error.message, { fields: error.fields, details: error.details });
  }
}
