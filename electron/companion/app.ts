/**
 * The companion server as a Fastify app, plugins loaded in order — infrastructure (database, secrets, validation,
 * errors) → services → pay → publishing → auth → routes — after fastify/demo's app.ts. `buildCompanion` is what tests call (then
 * `inject`, or `listen` for real loopback); `startCompanion` also listens and learns its own URL.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { CompanionConfig } from './config';
import { createLogger } from './log';
import { auth } from './plugins/auth';
import { infrastructure } from './plugins/infrastructure';
import { pay } from './plugins/pay';
import { publishing } from './plugins/publishing';
import { services } from './plugins/services';
import type { CompanionDeps } from './plugins/types';
import { apiRoutes } from './routes/api';
import { oauthRoutes } from './routes/oauth';
import { payNotifyRoutes } from './routes/pay-notify';
import { syncMediaRoutes } from './routes/sync-media';
import { wechatEventRoutes } from './routes/wechat-events';

export type { CompanionDeps } from './plugins/types';

export async function buildCompanion(config: CompanionConfig, deps: CompanionDeps): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, ...(deps.logStream ? { stream: deps.logStream } : {}) });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // WeChat pushes are at most a few kB; nothing the API takes is larger than a few kB either.
    bodyLimit: 1024 * 1024,
    // Behind a team's HTTPS reverse proxy, the proxy is trusted for the client address and protocol.
    trustProxy: config.host !== '127.0.0.1' && config.host !== 'localhost',
    // Request ids in logs; never echo any header into them.
    genReqId: (() => {
      let n = 0;
      return () => `req-${(++n).toString(36)}`;
    })(),
  });
  const opts = { config, deps };
  await app.register(infrastructure, opts);
  await app.register(services, opts);
  await app.register(pay, opts);
  await app.register(publishing, opts);
  await app.register(auth, opts);
  await app.register(apiRoutes, opts);
  await app.register(oauthRoutes, opts);
  await app.register(wechatEventRoutes, opts);
  await app.register(payNotifyRoutes, opts);
  await app.register(syncMediaRoutes, opts);
  await app.ready();
  return app;
}

export interface RunningCompanion {
  app: FastifyInstance;
  /** The address it listens on, e.g. http://127.0.0.1:41237 */
  url: string;
  close(): Promise<void>;
}

/** Builds, listens on config.host:config.port (0 = any free port) and returns the URL. */
export async function startCompanion(config: CompanionConfig, deps: CompanionDeps): Promise<RunningCompanion> {
  const app = await buildCompanion(config, deps);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;
  app.companion.setListeningUrl(url);
  return { app, url, close: () => app.close() };
}
