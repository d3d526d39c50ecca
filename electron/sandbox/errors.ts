/**
 * Errors of the sandbox's own surface (control API, phone): an HTTP status and `{ error: { code, message } }`, the
 * same shape as the companion's API errors.
 */

export type SandboxErrorCode = 'INVALID_INPUT' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'CONFLICT' | 'EXPIRED' | 'INTERNAL';

const STATUS: Record<SandboxErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EXPIRED: 410,
  INTERNAL: 500,
};

export class SandboxError extends Error {
  readonly status: number;

  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  toBody(): { error: { code: SandboxErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Sends a sandbox error for anything a route threw: its own errors as they are, Fastify's (bad JSON, too large) as
 * INVALID_INPUT, everything else as INTERNAL without details. */
export function toSandboxError(error: unknown): SandboxError {
  if (error instanceof SandboxError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new SandboxError('INVALID_INPUT', (error as Error).message);
  return new SandboxError('INTERNAL', 'the sandbox failed to handle this request');
}
