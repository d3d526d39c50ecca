/**
 * Infrastructure, loaded first: the database (opened and migrated; closed last), the secrets store with its master
 * key check, zod as the validator of every route schema, one error shape for every failure, and the headers every
 * answer carries.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CompanionErrorCode } from '../../../shared/companion/api';
import { CompanionError, STATUS_OF } from '../errors';
import { SecretsService, secretsFromConfig } from '../services/secrets';
import { openCompanionDatabase } from '../store/database';
import type { CompanionOptions } from './types';
import { plugin } from './types';

const CODE_OF_STATUS: Record<number, CompanionErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'EXPIRED',
  429: 'RATE_LIMITED',
};

/** `body.deviceName: Too small: expected string to have >=1 characters` — paths and rules, never the values. */
function describeIssues(error: z.ZodError, part: string): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${[part, ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
}

export const infrastructure = plugin('companion-infrastructure', async (app: FastifyInstance, opts: CompanionOptions) => {
  const { config, deps } = opts;
  const now = deps.now ?? (() => new Date());
  const opened = openCompanionDatabase(config.dataDir, { now });
  app.decorate('db', opened.db);
  if (opened.upgradedFrom !== null) app.log.info({ from: opened.upgradedFrom, backup: opened.backup }, 'companion database upgraded');
  // Registered first, so it runs last: every service has stopped using the database by then.
  app.addHook('onClose', async () => {
    opened.db.close();
  });

  try {
    app.decorate('secrets', new SecretsService(opened.db, deps.masterKey, secretsFromConfig(config), now));
  } catch (error) {
    opened.db.close();
    throw error;
  }

  app.setValidatorCompiler(({ schema }) => (data: unknown) => {
    const result = (schema as z.ZodType).safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
  });

  app.setNotFoundHandler(async (request, reply) => {
    return reply.code(404).send(new CompanionError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });

  app.setErrorHandler(async (error: FastifyError | CompanionError | Error, request, reply) => {
    if (error instanceof CompanionError) {
      if (error.status >= 500) request.log.warn({ err: { code: error.code, message: error.message, details: error.details } }, 'request failed');
      return reply.code(error.status).send(error.toBody());
    }
    if (error instanceof z.ZodError) {
      const part = (error as { validationContext?: string }).validationContext ?? 'input';
      return reply.code(400).send(new CompanionError('INVALID_INPUT', describeIssues(error, part), { part }).toBody());
    }
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = CODE_OF_STATUS[status] ?? 'INVALID_INPUT';
      // Fastify's own client errors (413 body too large, 415 media type, bad JSON) keep their status.
      return reply.code(status).send(new CompanionError(code, error.message).toBody());
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(STATUS_OF.INTERNAL).send(new CompanionError('INTERNAL', 'Internal error').toBody());
  });
});
