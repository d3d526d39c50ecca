/**
 * Parametric QR codes (§4): `POST /cgi-bin/qrcode/create` and the ticket-to-image exchange `GET /cgi-bin/showqrcode`.
 */
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { SandboxContext } from '../context';
import { queryParam } from '../http-helpers';
import { QR_ACTIONS, type QrAction } from '../state/qr-tickets';
import { wechatError, type WechatError } from '../wechat-errors';
import { appOfAccessToken, isWechatError, jsonBody } from './wechat-api';

/** Temporary codes live at most 30 days (§4.1). */
export const QR_MAX_EXPIRE_SECONDS = 2_592_000;
/** Permanent integer scenes are 1..100000 (§4.1). */
const LIMIT_SCENE_MAX = 100_000;
const UINT32_MAX = 0xffff_ffff;

interface ParsedQrRequest {
  action: QrAction;
  scene: string;
  expireSeconds: number | null;
}

function invalid(detail: string): WechatError {
  return wechatError(40097, { detail: `invalid args: ${detail}` });
}

/** Validates a qrcode/create body by §4.1; returns the parsed request or WeChat's error. */
export function parseQrRequest(body: Record<string, unknown>, defaultExpireSeconds: number): ParsedQrRequest | WechatError {
  const action = body.action_name;
  if (typeof action !== 'string' || !(QR_ACTIONS as readonly string[]).includes(action)) {
    return invalid(`action_name must be one of ${QR_ACTIONS.join(', ')}`);
  }
  const permanent = action.startsWith('QR_LIMIT_');
  const byString = action.endsWith('STR_SCENE');
  const info = body.action_info;
  if (typeof info !== 'object' || info === null) return invalid('action_info missing');
  const sceneObject = (info as Record<string, unknown>).scene;

  let scene: string;
  if (typeof sceneObject !== 'object' || sceneObject === null) {
    // The common bug of leaving out the `scene` wrapper is accepted by WeChat and yields scene 0 (§4.1, qrscene_0).
    if (byString) return invalid('action_info.scene.scene_str missing');
    scene = '0';
  } else if (byString) {
    const str = (sceneObject as Record<string, unknown>).scene_str;
    if (typeof str !== 'string' || str.length < 1 || str.length > 64) return invalid('scene_str must be 1-64 characters');
    scene = str;
  } else {
    const id = (sceneObject as Record<string, unknown>).scene_id;
    const max = permanent ? LIMIT_SCENE_MAX : UINT32_MAX;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > max) return invalid(`scene_id must be an integer from 1 to ${max}`);
    scene = String(id);
  }

  if (permanent) return { action: action as QrAction, scene, expireSeconds: null };
  const expire = body.expire_seconds;
  if (expire === undefined) return { action: action as QrAction, scene, expireSeconds: defaultExpireSeconds };
  if (typeof expire !== 'number' || !Number.isInteger(expire) || expire < 1 || expire > QR_MAX_EXPIRE_SECONDS) {
    return invalid(`expire_seconds must be an integer from 1 to ${QR_MAX_EXPIRE_SECONDS}`);
  }
  return { action: action as QrAction, scene, expireSeconds: expire };
}

export async function qrcodeRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.post('/cgi-bin/qrcode/create', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount') return wechatError(48001);
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    const parsed = parseQrRequest(body, ctx.settings.qrDefaultExpireSeconds);
    if (isWechatError(parsed)) return parsed;
    const ticket = ctx.qr.create(account.appId, parsed.action, parsed.scene, parsed.expireSeconds);
    return parsed.expireSeconds === null
      ? { ticket: ticket.ticket, url: ticket.url }
      : { ticket: ticket.ticket, expire_seconds: parsed.expireSeconds, url: ticket.url };
  });

  // No access_token here: the ticket itself is the credential (§4.2).
  app.get('/cgi-bin/showqrcode', async (request, reply) => {
    const value = queryParam(request, 'ticket');
    const ticket = value ? ctx.qr.get(value) : undefined;
    if (!ticket) return wechatError(40097, { detail: 'invalid ticket' });
    if (ctx.qr.isExpired(ticket)) return wechatError(40097, { detail: 'ticket expired' });
    const png = await QRCode.toBuffer(ticket.url, { type: 'png', width: 430, margin: 2, errorCorrectionLevel: 'M' });
    return reply.type('image/png').header('cache-control', 'no-store').send(png);
  });
}
