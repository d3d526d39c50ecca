/**
 * Template and subscribe messages of an official account (wechat-protocols.md §7):
 *
 * - `message/template/send`: `touser` a user of this account (40003) who follows it (43004), `template_id` one of the
 *   account's template-message templates (40037), `data` with a `{ value }` for every key of the template, each valid
 *   for its key type (47003 `argument invalid! data.X.value invalid`); the account's daily quota (45009, default
 *   1,000,000 — settable through `accounts.setFlags`); `client_msg_id` makes a send idempotent for 10 minutes (the
 *   first message's msgid is answered again and nothing is sent twice). Delivery ends with TEMPLATESENDJOBFINISH.
 * - `message/subscribe/bizsend`: a subscribe template (40037), `page` an http(s) URL when given (41030), the same
 *   data rules, and one of the user's one-time consents (43101 without one, §7.2). Its outcome is pushed as
 *   subscribe_msg_sent_event.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context';
import { openidOf } from '../state/ids';
import type { Template } from '../state/publishing';
import type { SandboxApp } from '../state/apps';
import { wechatError, type WechatError } from '../wechat-errors';
import { appOfAccessToken, isWechatError, jsonBody } from './wechat-api';

const ERRMSG: Record<number, string> = {
  40003: 'invalid openid',
  40037: 'invalid template_id',
  41030: 'invalid page',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  47003: 'argument invalid!',
};

function fail(errcode: number, why?: string): WechatError {
  const text = ERRMSG[errcode] ?? '';
  return wechatError(errcode, { detail: why ? `${text} ${why}`.trim() : text });
}

const han = (s: string) => /^[\u3400-\u9fff]+$/.test(s);

/** §7.2's value rules by key type (the key's prefix). */
export function valueValid(key: string, value: string): boolean {
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1] ?? '';
  const n = [...value].length;
  switch (type) {
    case 'thing':
      return n >= 1 && n <= 20;
    case 'number':
      return /^\d+(\.\d+)?$/.test(value) && value.replace('.', '').length <= 32;
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value);
    case 'symbol':
      return n >= 1 && n <= 5 && !/[A-Za-z0-9\u3400-\u9fff]/.test(value);
    case 'character_string':
      return /^[\x21-\x7e]{1,32}$/.test(value);
    case 'time':
      return /^(\d{4}年\d{1,2}月\d{1,2}日 ?)?\d{1,2}:\d{2}(:\d{2})?$/.test(value) || /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(value);
    case 'date':
      return /^\d{4}年\d{1,2}月\d{1,2}日( ?\d{1,2}:\d{2})?$/.test(value) || /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(value);
    case 'amount':
      return /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(value);
    case 'phone_number':
      return /^[\d+\-() ]{1,17}$/.test(value);
    case 'car_number':
      return n >= 1 && n <= 8;
    case 'name':
      return han(value) ? n <= 10 : /^[A-Za-z .]{1,20}$/.test(value);
    case 'phrase':
      return han(value) && n <= 5;
    default:
      return false;
  }
}

/** The values of `data` for the template's keys, or 47003 naming the first bad one. */
function dataOf(template: Template, raw: unknown): Record<string, string> | WechatError {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return wechatError(47001);
  const data: Record<string, string> = {};
  for (const key of template.keys) {
    const entry = (raw as Record<string, unknown>)[key];
    const value = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).value : undefined;
    if (typeof value !== 'string' || !valueValid(key, value)) return fail(47003, `data.${key}.value invalid`);
    data[key] = value;
  }
  return data;
}

/** The sandbox user behind an openid of this account, or null. */
function userOf(ctx: SandboxContext, app: SandboxApp, openid: unknown): string | null {
  if (typeof openid !== 'string') return null;
  return ctx.users.list().find((u) => openidOf(app.appId, u.id) === openid)?.id ?? null;
}

export async function messageRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const state = ctx.publishing;

  app.post('/cgi-bin/message/template/send', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount') return wechatError(48001);
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    const userId = userOf(ctx, account, body.touser);
    if (!userId) return fail(40003);
    const template = typeof body.template_id === 'string' ? state.template(account.appId, body.template_id) : undefined;
    if (!template || template.kind !== 'template') return fail(40037);
    const data = dataOf(template, body.data);
    if (isWechatError(data)) return data;
    if (!ctx.users.isFollowing(account.appId, userId)) return fail(43004);
    const openid = body.touser as string;
    const clientMsgId = typeof body.client_msg_id === 'string' && body.client_msg_id !== '' ? body.client_msg_id : null;
    if (clientMsgId) {
      const earlier = state.recentDuplicate(account.appId, openid, clientMsgId);
      if (earlier) return { errcode: 0, errmsg: 'ok', msgid: Number(earlier.msgId) };
    }
    if (!state.takeTemplateQuota(account.appId)) return wechatError(45009);
    const sent = state.recordMessage({ kind: 'template', appId: account.appId, openid, templateId: template.templateId, clientMsgId, data });
    ctx.publishingRunner.deliveredLater(account, sent);
    // msgid is a 64-bit number in WeChat's answer; 15 digits stay exact as a JavaScript number.
    return { errcode: 0, errmsg: 'ok', msgid: Number(sent.msgId) };
  });

  app.post('/cgi-bin/message/subscribe/bizsend', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount') return wechatError(48001);
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    const userId = userOf(ctx, account, body.touser);
    if (!userId) return fail(40003);
    const template = typeof body.template_id === 'string' ? state.template(account.appId, body.template_id) : undefined;
    if (!template || template.kind !== 'subscribe') return fail(40037);
    if (body.page !== undefined && (typeof body.page !== 'string' || !/^https?:\/\/\S+$/.test(body.page))) return fail(41030);
    const data = dataOf(template, body.data);
    if (isWechatError(data)) return data;
    const openid = body.touser as string;
    if (!state.takeConsent(account.appId, openid, template.templateId)) return fail(43101);
    const sent = state.recordMessage({ kind: 'subscribe', appId: account.appId, openid, templateId: template.templateId, clientMsgId: null, data });
    ctx.publishingRunner.deliveredLater(account, sent);
    return { errcode: 0, errmsg: 'ok' };
  });
}
