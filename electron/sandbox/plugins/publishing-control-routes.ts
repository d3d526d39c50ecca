/**
 * The control routes of shared/wechat-sandbox/publishing-control.ts: account flags, message templates, subscribe
 * consents and a read-out of what an account received. Registered inside the control API (same token check).
 */
import type { FastifyInstance } from 'fastify';
import { sandboxControl as control } from '../../../shared/wechat-sandbox/control';
import type { SandboxContext } from '../context';
import { SandboxError } from '../errors';
import type { SandboxApp } from '../state/apps';
import { parseWith } from './validate';

function officialAccount(ctx: SandboxContext, appId: string): SandboxApp {
  const app = ctx.apps.get(appId);
  if (!app) throw new SandboxError('NOT_FOUND', `no app ${appId} in the sandbox`);
  if (app.kind !== 'officialAccount') throw new SandboxError('CONFLICT', `${appId} is not an official account`);
  return app;
}

export function addPublishingControlRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.post(control['accounts.setFlags'].path, async (request) => {
    const { appId, ...flags } = parseWith(control['accounts.setFlags'].body, request.body);
    officialAccount(ctx, appId);
    ctx.publishing.setFlags(appId, flags);
    return { ok: true };
  });

  app.post(control['templates.put'].path, async (request) => {
    const template = parseWith(control['templates.put'].body, request.body);
    officialAccount(ctx, template.appId);
    ctx.publishing.putTemplate(template);
    return { ok: true };
  });

  app.post(control['subscriptions.grant'].path, async (request) => {
    const { appId, userId, templateId, count } = parseWith(control['subscriptions.grant'].body, request.body);
    officialAccount(ctx, appId);
    if (!ctx.users.get(userId)) throw new SandboxError('NOT_FOUND', `no user ${userId} in the sandbox`);
    const template = ctx.publishing.template(appId, templateId);
    if (!template || template.kind !== 'subscribe') throw new SandboxError('NOT_FOUND', `${appId} has no subscribe template ${templateId}`);
    return { ok: true, remaining: ctx.publishing.grant(appId, ctx.users.openid(appId, userId), templateId, count) };
  });

  app.post(control['publishing.state'].path, async (request) => {
    const { appId } = parseWith(control['publishing.state'].body, request.body);
    officialAccount(ctx, appId);
    return ctx.publishing.summary(appId);
  });
}
