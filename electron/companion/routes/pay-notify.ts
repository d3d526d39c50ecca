/**
 * `POST /wechat/pay/notify`, where WeChat Pay sends payment and refund notifications (wechat-protocols.md §9.6). The
 * body is kept as raw bytes — the signature is over exactly what was sent — and handed to the notification service,
 * whose answer (200 success only after the durable write; 401/400 refused; 5xx so WeChat retries) goes back as is.
 */
import type { FastifyInstance } from 'fastify';
import { PAY_NOTIFY_PATH } from '../config-pay';
import type { HeaderBag } from '../wechat/pay/verifier';

/** Notifications are a few kB; nothing legitimate comes near this. */
export const PAY_NOTIFY_BODY_LIMIT = 256 * 1024;

export async function payNotifyRoutes(app: FastifyInstance): Promise<void> {
  // Encapsulated: only this route reads bodies as raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PAY_NOTIFY_BODY_LIMIT }, (_request, body, done) => done(null, body));

  // No per-request log line: every notification is recorded in the database, refusals are logged as warnings.
  app.post(PAY_NOTIFY_PATH, { bodyLimit: PAY_NOTIFY_BODY_LIMIT, logLevel: 'warn' }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await app.pay.notifications.handle(request.headers as HeaderBag, body);
    return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
  });
}
