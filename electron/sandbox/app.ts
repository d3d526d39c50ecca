/**
 * The sandbox's Fastify application: plugins in order — WeChat's APIs, WeChat Pay's APIs, its browser pages,
 * avatars, the simulated phone, then the control API. Built separately from listening so tests could also use `inject`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { SandboxContext } from './context';
import { avatarRoutes } from './plugins/avatar-routes';
import { connectPages } from './plugins/connect-pages';
import { controlRoutes } from './plugins/control-routes';
import { payApi } from './plugins/pay-api';
import { phoneRoutes } from './plugins/phone-routes';
import { wechatApi } from './plugins/wechat-api';

export async function buildSandboxApp(ctx: SandboxContext): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: ctx.log as FastifyBaseLogger, trustProxy: false });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
  await app.register(wechatApi, ctx);
  await app.register(payApi, ctx);
  await app.register(connectPages, ctx);
  await app.register(avatarRoutes, ctx);
  await app.register(phoneRoutes, ctx);
  await app.register(controlRoutes, ctx);
  return app;
}
