/**
 * Device authentication and roles. Every route that names a role (from shared/companion/api.ts) needs
 * `Authorization: Bearer <device token>` of a paired, unrevoked device (401 otherwise) whose member has at least
 * that role (403 otherwise). Checked in onRequest — before the body is even read — so a refused caller learns
 * nothing from validation errors.
 */
import type { FastifyInstance } from 'fastify';
import { roleAllows } from '../../../shared/companion/api';
import { CompanionError } from '../errors';
import { plugin } from './types';

export const auth = plugin('companion-auth', async (app: FastifyInstance) => {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config?.role;
    if (!needed) return;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
    const who = app.companion.team.authenticate(token);
    if (!roleAllows(who.member.role, needed)) {
      throw new CompanionError('FORBIDDEN', `This needs the ${needed} role; ${who.member.name} is ${who.member.role}.`, {
        needed,
        role: who.member.role,
      });
    }
    request.auth = who;
  });
});
