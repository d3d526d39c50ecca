/**
 * `GET/POST /wechat/events`, where WeChat verifies our URL and pushes messages and events (wechat-protocols.md §5).
 *
 * - GET: URL verification — `signature` over (token, timestamp, nonce) and the plaintext echostr back; or, WeCom
 *   style, `msg_signature` over the encrypted echostr, answered decrypted.
 * - POST: the body is read raw (signatures are over exact bytes), at most 1 MB (413 above). Plain mode checks
 *   `signature`; safe mode requires `encrypt_type=aes` and checks `msg_signature` over Encrypt, decrypts, and
 *   checks the receiveid is our appid; compatible mode takes either (the encrypted form when present). XML with a
 *   DOCTYPE or ENTITY declaration, malformed XML and bad signatures get a 4xx and nothing is stored.
 * - A valid push is stored first (de-duplicated), answered `success` at once, and processed afterwards.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EventShapeError } from '../services/events';
import { MsgCryptError, sha1Signature, signatureMatches } from '../wechat/msg-crypt';
import { XmlRefused, parseWechatXml, textOf } from '../wechat/xml';

export const EVENT_BODY_LIMIT = 1024 * 1024;

type Query = Record<string, string | undefined>;

function refuse(reply: FastifyReply, status: number, reason: string): FastifyReply {
  return reply.code(status).header('Content-Type', 'text/plain; charset=utf-8').send(reason);
}

export async function wechatEventRoutes(app: FastifyInstance): Promise<void> {
  const { events, eventCrypto } = app.companion;

  // This route takes WeChat's XML (text/xml, sometimes without a type) as raw text; no other parser applies here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: EVENT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get('/wechat/events', async (request, reply) => {
    const q = request.query as Query;
    const crypto = eventCrypto();
    if (!crypto.token) return refuse(reply, 503, 'The push Token is not configured');
    const { timestamp = '', nonce = '', echostr = '' } = q;
    if (q.msg_signature !== undefined) {
      if (!crypto.crypt) return refuse(reply, 503, 'The EncodingAESKey is not configured');
      try {
        return reply.type('text/plain; charset=utf-8').send(crypto.crypt.verifyUrl(q.msg_signature, timestamp, nonce, echostr));
      } catch (error) {
        if (error instanceof MsgCryptError) return refuse(reply, 403, 'Signature or echostr refused');
        throw error;
      }
    }
    if (!signatureMatches(q.signature, sha1Signature(crypto.token, timestamp, nonce))) return refuse(reply, 403, 'Signature refused');
    return reply.type('text/plain; charset=utf-8').send(echostr);
  });

  // Every push is already recorded in the events table: per-request log lines here cost ~14% of throughput for nothing
  // (tests/bench/events.ts); warnings and errors are still logged.
  app.post('/wechat/events', { bodyLimit: EVENT_BODY_LIMIT, logLevel: 'warn' }, async (request, reply) => {
    const q = request.query as Query;
    const body = typeof request.body === 'string' ? request.body : '';
    const crypto = eventCrypto();
    if (!crypto.token) return refuse(reply, 503, 'The push Token is not configured');
    const { timestamp = '', nonce = '' } = q;
    const encrypted = q.encrypt_type === 'aes';
    if (crypto.mode === 'safe' && !encrypted) return refuse(reply, 400, 'Safe mode: encrypt_type=aes and msg_signature are required');
    if (crypto.mode === 'plain' && encrypted) return refuse(reply, 400, 'Plain mode: encrypted pushes are not expected');

    let plainXml: string;
    let node;
    try {
      if (encrypted) {
        if (!crypto.crypt) return refuse(reply, 503, 'The EncodingAESKey is not configured');
        const envelope = parseWechatXml(body);
        const encrypt = textOf(envelope, 'Encrypt');
        if (!encrypt) return refuse(reply, 400, 'No Encrypt element');
        // §5.2: in safe mode the msg_signature is the one to check, not `signature`.
        plainXml = crypto.crypt.decrypt(q.msg_signature, timestamp, nonce, encrypt);
      } else {
        if (!signatureMatches(q.signature, sha1Signature(crypto.token, timestamp, nonce))) return refuse(reply, 403, 'Signature refused');
        plainXml = body;
      }
      node = parseWechatXml(plainXml);
      events.ingest(plainXml, node);
    } catch (error) {
      if (error instanceof MsgCryptError) return refuse(reply, error.cryptCode === -40001 ? 403 : 400, 'Encrypted push refused');
      if (error instanceof XmlRefused) return refuse(reply, 400, error.reason === 'doctype' ? 'DOCTYPE refused' : 'Malformed XML');
      if (error instanceof EventShapeError) return refuse(reply, 400, 'Not a WeChat push');
      throw error;
    }
    // Stored (or a retry of something stored): "success" tells WeChat not to retry and shows the user nothing (§5.3).
    return reply.type('text/plain; charset=utf-8').send('success');
  });
}
