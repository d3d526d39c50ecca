/**
 * The peer of the event-push benchmark (events.ts): a bare Fastify 5 server with one `POST /wechat/events` route that
 * reads the body as text, as the companion's route does, and answers `success` — no signature, no decryption, no XML,
 * no database, no logger. The pay-notification benchmark (pay-storm.ts) uses its `POST /wechat/pay/notify` the same
 * way: the body read as bytes, answered with WeChat Pay's success JSON (§9.6). Run as a child process (`node --import tsx tests/bench/bare-fastify.ts`); prints one line
 * `{"ready":true,"service":"bare-fastify","url":"…"}` on stdout once listening on 127.0.0.1, stops on SIGTERM/SIGINT.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
// WeChat posts text/xml, which Fastify has no parser for: take every body as a string, like the companion.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
app.post('/wechat/events', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('success'));
app.post('/wechat/pay/notify', async (_request, reply) => reply.code(200).type('application/json; charset=utf-8').send({ code: 'SUCCESS', message: '成功' }));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ ready: true, service: 'bare-fastify', url: `http://127.0.0.1:${port}` })}\n`);

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
