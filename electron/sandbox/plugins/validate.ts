/**
 * Body validation for the sandbox's own routes with the control contract's zod schemas.
 */
import { z } from 'zod';
import { SandboxError } from '../errors';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new SandboxError('INVALID_INPUT', z.prettifyError(result.error));
  return result.data;
}
