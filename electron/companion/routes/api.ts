/**
 * The HTTP API, built from the route table in shared/companion/api.ts: for every entry a Fastify route with its
 * method, path, zod schemas (validated by the infrastructure's compiler) and least role (checked by the auth
 * plugin). The handler map is typed from the table, so a route without a handler — or a handler answering the wrong
 * shape — does not compile.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { companionRoutes, type CompanionRouteName, type CompanionRoutes } from '../../../shared/companion/api';
import { APP_VERSION } from '../version';
import { CompanionError } from '../errors';
import type { Authenticated } from '../services/team';
import type { CompanionOptions } from '../plugins/types';

type Route<N extends CompanionRouteName> = CompanionRoutes[N];
type Part<N extends CompanionRouteName, K extends string> = Route<N> extends Record<K, z.ZodType> ? z.output<Route<N>[K]> : undefined;

interface Call<N extends CompanionRouteName> {
  params: Part<N, 'params'>;
  query: Part<N, 'query'>;
  body: Part<N, 'body'>;
  /** Set on every route with a role; null only on `health` and `devices.pair`. */
  auth: Authenticated | null;
  reply: FastifyReply;
}

type Answer<N extends CompanionRouteName> = z.input<Route<N>['response']>;
type Handlers = { [N in CompanionRouteName]: (call: Call<N>) => Answer<N> | Promise<Answer<N>> };

function who(call: { auth: Authenticated | null }): Authenticated {
  if (!call.auth) throw new CompanionError('UNAUTHORIZED', 'Missing device token');
  return call.auth;
}

function secretUpdates(body: Part<'secrets.put', 'body'>) {
  return {
    'officialAccount.appSecret': body.officialAccount?.appSecret,
    'officialAccount.token': body.officialAccount?.token,
    'officialAccount.encodingAesKey': body.officialAccount?.encodingAesKey,
    'websiteApp.appSecret': body.websiteApp?.appSecret,
    'miniProgram.appSecret': body.miniProgram?.appSecret,
  };
}

export async function apiRoutes(app: FastifyInstance, { config, deps }: CompanionOptions): Promise<void> {
  const c = app.companion;
  const handlers: Handlers = {
    health: () => ({ ok: true, version: APP_VERSION, sandbox: config.sandbox }),
    'devices.pair': ({ body }) => c.team.pair(body),
    'devices.list': () => ({ items: c.team.listDevices() }),
    'devices.revoke': ({ params }) => c.team.revokeDevice(params.id),
    'invites.create': (call) => c.team.createInvite(call.body.memberName, call.body.role, who(call).member.id),
    me: (call) => ({ member: who(call).member, deviceId: who(call).device.id }),
    'members.list': () => ({ items: c.team.listMembers() }),
    'members.setRole': ({ params, body }) => c.team.setRole(params.id, body.role),
    'members.unbind': ({ params }) => c.team.unbindWechat(params.id),
    'bindings.create': (call) => c.bindings.create(call.body, who(call).member.id),
    'bindings.get': ({ params }) => c.bindings.get(params.id),
    'events.list': ({ query }) => c.events.list(query),
    'audit.list': ({ query }) => c.audit.list(query.limit, query.offset),
    'audit.csv': ({ reply }) => {
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      reply.header('Content-Disposition', 'attachment; filename="wechat-api-calls.csv"');
      return c.audit.csv();
    },
    'scenes.create': (call) => c.scenes.create(call.body, who(call).member.id),
    'scenes.get': ({ params }) => c.scenes.get(params.sceneStr),
    'settings.get': () => c.settings.get(),
    'settings.update': ({ body }) => c.settings.update(body),
    'secrets.put': (call) => {
      const updated = app.secrets.put(secretUpdates(call.body), who(call).member.id);
      call.reply.log.info({ updated }, 'secrets updated');
      return { updated };
    },
    'pay.settings': () => app.pay.settings.get(),
    'pay.updateSettings': (call) => {
      const result = app.pay.settings.update(call.body, who(call).member.id);
      call.reply.log.info({ updated: result.updated }, 'pay settings updated');
      return result;
    },
    'pay.test': (call) => app.pay.test(who(call).member.id),
    'orders.create': (call) => app.pay.orders.create(call.body, who(call).member.id),
    'orders.list': ({ query }) => app.pay.queries.list(query, query.limit, query.offset),
    'orders.csv': ({ query, reply }) => {
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      reply.header('Content-Disposition', 'attachment; filename="orders.csv"');
      return app.pay.queries.csv(query);
    },
    'orders.get': ({ params }) => app.pay.queries.detail(params.outTradeNo),
    'orders.query': (call) => app.pay.orders.query(call.params.outTradeNo, who(call).member.id),
    'orders.close': (call) => app.pay.orders.close(call.params.outTradeNo, who(call).member.id),
    'refunds.create': (call) => app.pay.refunds.create(call.params.outTradeNo, call.body, who(call).member.id),
    'enrolments.list': ({ query }) => app.pay.queries.enrolments(query.courseId, query.limit, query.offset),
    'content.check': (call) => c.contentCheck.check(call.body, who(call).member.id),
    'sync.push': (call) => ({ results: c.sync.push(call.body.items, who(call).member) }),
    'sync.pull': ({ query }) => c.sync.pull(query.since, query.limit, query.waitMs),
    'sync.mediaHas': ({ body }) => ({ items: c.syncMedia.has(body.hashes) }),
    'publish.create': (call) => app.publishing.publish.create(call.body, who(call).member.id),
    'publish.get': ({ params }) => app.publishing.publish.get(params.id),
    'publish.list': ({ query }) => app.publishing.publish.list(query.courseId, query.limit, query.offset),
    'reminders.create': (call) => app.publishing.reminders.create(call.body, who(call).member.id),
    'reminders.list': ({ query }) => app.publishing.reminders.list(query.courseId),
    'reminders.cancel': ({ params }) => app.publishing.reminders.cancel(params.id),
    'insights.get': () => app.publishing.insights.get(),
  };

  for (const name of Object.keys(companionRoutes) as CompanionRouteName[]) {
    const route = companionRoutes[name] as Route<CompanionRouteName> & {
      params?: z.ZodType;
      query?: z.ZodType;
      body?: z.ZodType;
      bodyLimit?: number;
      response: z.ZodType;
    };
    const handler = handlers[name] as (call: Call<CompanionRouteName>) => unknown;
    app.route({
      method: route.method,
      url: route.path,
      config: { role: route.role },
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      schema: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(route.body ? { body: route.body } : {}),
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const answer = await handler({
          params: request.params as never,
          query: request.query as never,
          body: request.body as never,
          auth: request.auth,
          reply,
        });
        if (deps.checkResponses) {
          const checked = route.response.safeParse(answer);
          if (!checked.success) {
            request.log.error({ route: name, issues: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'answer does not match the route table');
            throw new CompanionError('INTERNAL', `The answer of ${name} does not match its schema`);
          }
        }
        return answer;
      },
    });
  }
}
