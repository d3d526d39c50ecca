/**
 * The control API of shared/wechat-sandbox/control.ts under `/__sandbox/`, for the embedding studio and tests. Every
 * route needs `X-Sandbox-Control: <control token>`, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SANDBOX_CONTROL_HEADER, sandboxControl as control } from '../../../shared/wechat-sandbox/control';
import { avatarUrlOf, type SandboxContext } from '../context';
import { SandboxError, toSandboxError } from '../errors';
import { fireEvent } from '../push/events';
import { addPayControlRoutes } from './pay-control-routes';
import { addPublishingControlRoutes } from './publishing-control-routes';
import { parseWith } from './validate';

/** A QR image as base64 can be several megabytes. */
const SCAN_BODY_LIMIT = 10 * 1024 * 1024;

/** Constant-time comparison of a presented token with the expected one (hashing first equalises the lengths). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export async function controlRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers[SANDBOX_CONTROL_HEADER];
    if (!tokenMatches(Array.isArray(header) ? header[0] : header, ctx.controlToken)) {
      return reply.status(401).send(new SandboxError('UNAUTHORIZED', `the control API needs the ${SANDBOX_CONTROL_HEADER} header`).toBody());
    }
  });
  app.setErrorHandler((error, request, reply) => {
    const known = toSandboxError(error);
    if (known.code === 'INTERNAL') request.log.error({ err: error }, 'control API failed');
    return reply.status(known.status).send(known.toBody());
  });

  app.post(control['apps.put'].path, async (request) => {
    ctx.apps.put(parseWith(control['apps.put'].body, request.body));
    return { ok: true };
  });

  app.get(control['users.list'].path, async () => ({
    items: ctx.users.list().map((u) => ({ id: u.id, nickname: u.nickname, avatarUrl: avatarUrlOf(ctx, u.id), hasUnionid: u.hasUnionid })),
  }));

  app.post(control['users.openid'].path, async (request) => {
    const { appId, userId } = parseWith(control['users.openid'].body, request.body);
    if (!ctx.apps.get(appId)) throw new SandboxError('NOT_FOUND', `no app ${appId} in the sandbox`);
    if (!ctx.users.get(userId)) throw new SandboxError('NOT_FOUND', `no user ${userId} in the sandbox`);
    return { openid: ctx.users.openid(appId, userId) };
  });

  app.post(control['clock.advance'].path, async (request) => {
    const { seconds } = parseWith(control['clock.advance'].body, request.body);
    const now = ctx.clock.advance(seconds);
    // Refunds whose processing time has now passed settle (and notify) without waiting for a query.
    ctx.pay.refunds.tick();
    return { now: new Date(now).toISOString() };
  });

  app.post(control['tokens.invalidate'].path, async (request) => {
    const { appId } = parseWith(control['tokens.invalidate'].body, request.body);
    if (!ctx.apps.get(appId)) throw new SandboxError('NOT_FOUND', `no app ${appId} in the sandbox`);
    ctx.tokens.invalidate(appId);
    return { ok: true };
  });

  app.post(control['faults.add'].path, async (request) => {
    ctx.faults.add(parseWith(control['faults.add'].body, request.body));
    return { ok: true };
  });

  app.post(control['events.fire'].path, async (request) => fireEvent(ctx, parseWith(control['events.fire'].body, request.body)));

  app.get(control['deliveries.list'].path, async () => ({ items: ctx.deliveries.list() }));

  app.post(control['phone.scan'].path, { bodyLimit: SCAN_BODY_LIMIT }, async (request) => ctx.phone.scan(parseWith(control['phone.scan'].body, request.body)));

  app.post(control['phone.decide'].path, async (request) => {
    const { sessionId, allow } = parseWith(control['phone.decide'].body, request.body);
    return ctx.phone.decide(sessionId, allow);
  });

  addPayControlRoutes(app, ctx);
  addPublishingControlRoutes(app, ctx);
}
