/**
 * `POST /wxa/msg_sec_check?access_token=` — content security v2 for mini programs (wechat-protocols.md §8.1), decided
 * by the sandbox's term table (state/sec-check.ts). Checks run in this order: method (43302), access_token (41001,
 * 40001, 42001, 40164), the app is a mini program (48001), the per-app limits (45011 a minute, 45009 a day), then the
 * body: JSON object (47001), `version` 2, `openid` of a user of this app (40003 unknown, 43104 another app's user),
 * `scene` 1–4 (40129), `content` of at most 2,500 characters. A missing parameter is 44002; a wrong type or value
 * without an errcode of its own is 47001 (the doc names none for a wrong version or an over-long content).
 *
 * Not emulated: WeChat's rule that the user opened the mini program within the last two hours (the doc gives no
 * errcode for it), and v1 (no `version`, 87014 on a hit), which WeChat froze in 2021 — a body without `version`
 * answers 44002 here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { openidOf } from '../state/ids';
import { judgeContent, SecCheckLimiter } from '../state/sec-check';
import { newRid, wechatError, type WechatError } from '../wechat-errors';
import { appOfAccessToken, isWechatError, jsonBody } from './wechat-api';

export const SEC_CHECK_PATH = '/wxa/msg_sec_check';
/** §8.1: content ≤ 2,500 characters (counted here as Unicode code points). */
export const SEC_CHECK_MAX_CHARS = 2500;

/** errmsg texts for this API's errcodes (the shared table has the global ones). */
const ERRMSG: Record<number, string> = {
  40003: 'invalid openid',
  40129: 'invalid scene',
  43104: 'appid and openid not match',
  43302: 'http method not supported, use POST',
  44002: 'empty post data',
  47001: 'data format error',
};

function fail(errcode: number, why?: string): WechatError {
  const text = ERRMSG[errcode];
  return text ? wechatError(errcode, { detail: why ? `${text}: ${why}` : text }) : wechatError(errcode);
}

interface SecCheckRequest {
  openid: string;
  scene: number;
  content: string;
  /** title, nickname and (scene 1 only) signature: checked along with the content. */
  extras: string[];
}

function optionalText(body: Record<string, unknown>, key: string): string | WechatError | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : fail(47001, `${key} must be a string`);
}

/** Validates a v2 body; the parsed request or WeChat's error. */
export function parseSecCheckBody(body: Record<string, unknown>): SecCheckRequest | WechatError {
  const { version, openid, scene, content } = body;
  if (version === undefined) return fail(44002, 'version missing (v2 needs version 2)');
  if (version !== 2) return fail(47001, 'version must be 2');
  if (openid === undefined || openid === '') return fail(44002, 'openid missing');
  if (typeof openid !== 'string') return fail(47001, 'openid must be a string');
  if (scene === undefined) return fail(44002, 'scene missing');
  if (typeof scene !== 'number' || !Number.isInteger(scene) || scene < 1 || scene > 4) return fail(40129, 'scene must be 1, 2, 3 or 4');
  if (content === undefined || content === '') return fail(44002, 'content missing');
  if (typeof content !== 'string') return fail(47001, 'content must be a string');
  if ([...content].length > SEC_CHECK_MAX_CHARS) return fail(47001, `content longer than ${SEC_CHECK_MAX_CHARS} characters`);
  const extras: string[] = [];
  for (const key of scene === 1 ? ['title', 'nickname', 'signature'] : ['title', 'nickname']) {
    const value = optionalText(body, key);
    if (isWechatError(value)) return value;
    if (value) extras.push(value);
  }
  return { openid, scene, content, extras };
}

/** Whose openid this is: a user of `appId` (ok), a user of another registered app (43104), or nobody's (40003). */
function checkOpenid(ctx: SandboxContext, appId: string, openid: string): WechatError | null {
  const users = ctx.users.list();
  if (users.some((u) => openidOf(appId, u.id) === openid)) return null;
  const elsewhere = ctx.apps.list().some((app) => app.appId !== appId && users.some((u) => openidOf(app.appId, u.id) === openid));
  return elsewhere ? fail(43104) : fail(40003);
}

export async function secCheckRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const limiter = new SecCheckLimiter(ctx.clock);

  app.get(SEC_CHECK_PATH, async () => fail(43302));

  app.post(SEC_CHECK_PATH, async (request: FastifyRequest) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'miniProgram') return wechatError(48001);
    const limited = limiter.take(account.appId);
    if (limited !== null) return wechatError(limited);
    const body = jsonBody(request);
    if (!body) return fail(47001);
    const parsed = parseSecCheckBody(body);
    if (isWechatError(parsed)) return parsed;
    const wrongUser = checkOpenid(ctx, account.appId, parsed.openid);
    if (wrongUser) return wrongUser;

    const verdict = judgeContent(parsed.content, ...parsed.extras);
    return {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: verdict.suggest, label: verdict.label },
      detail: [
        { strategy: 'content_model', errcode: 0, suggest: verdict.suggest, label: verdict.label, prob: verdict.prob },
        // The observed real answer carries a bare keyword item when nothing matched (§8.1); a hit names the term.
        verdict.keyword === null
          ? { strategy: 'keyword', errcode: 0 }
          : { strategy: 'keyword', errcode: 0, suggest: verdict.suggest, label: verdict.label, prob: 100, keyword: verdict.keyword },
      ],
      trace_id: newRid(),
    };
  });
}
