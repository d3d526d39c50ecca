/**
 * WeChat's errcodes turned into errors a creator can act on (wechat-protocols.md §0.1, §1, §11.3): Chinese first,
 * then English, with the facts needed to fix it in `details` (the IP to whitelist, when the daily quota resets).
 * Matching is always on errcode; errmsg is only mined for the IP of 40164.
 */
import { CompanionError } from '../errors';

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The next midnight in Beijing time (UTC+8, no daylight saving) after `now`: when WeChat's daily quotas reset. */
export function nextBeijingMidnight(now: Date): Date {
  const beijing = now.getTime() + BEIJING_OFFSET_MS;
  const startOfDay = beijing - (((beijing % 86_400_000) + 86_400_000) % 86_400_000);
  return new Date(startOfDay + 86_400_000 - BEIJING_OFFSET_MS);
}

/** `invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: …` → `1.2.3.4`. */
export function ipFromErrmsg(errmsg: string): string | null {
  const match = /invalid ip\s+([0-9a-fA-F.:]+?)(?:[,\s]|$)/i.exec(errmsg) ?? /\b(\d{1,3}(?:\.\d{1,3}){3})\b/.exec(errmsg);
  return match?.[1] ?? null;
}

function beijingTime(date: Date): string {
  const b = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())} ${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`;
}

export interface WechatErrorContext {
  apiPath: string;
  now: Date;
  /** The call was for an access token (then 40001 means a wrong AppSecret, not a stale token). */
  tokenEndpoint?: boolean;
}

/** The error for a WeChat answer with a non-zero errcode. Always code WECHAT_ERROR with details.errcode. */
export function wechatError(errcode: number, errmsg: string, ctx: WechatErrorContext): CompanionError {
  const base = { errcode, apiPath: ctx.apiPath };
  const err = (message: string, extra: Record<string, string | number> = {}) =>
    new CompanionError('WECHAT_ERROR', message, { ...base, ...extra });
  switch (errcode) {
    case 40164: {
      const ip = ipFromErrmsg(errmsg);
      const where = ip ?? '（未能识别 / unknown）';
      return err(
        `调用接口的服务器 IP ${where} 不在公众号的 IP 白名单中：请到 微信公众平台 → 设置与开发 → 基本配置 → IP白名单 添加 ${where}。` +
          ` / This server's IP address ${ip ?? '(unknown)'} is not in the account's IP whitelist: add ${ip ?? 'it'} under ` +
          'Settings and Development → Basic Configuration → IP whitelist on mp.weixin.qq.com.',
        ip ? { ip } : {},
      );
    }
    case 40125:
      return err(
        'AppSecret 无效：请在 微信公众平台 → 基本配置 核对（或重置）AppSecret 后重新填写。 / The AppSecret is invalid: check (or reset) it under Basic Configuration and enter it again.',
      );
    case 40001:
      if (ctx.tokenEndpoint) {
        return err('AppSecret 错误，无法获取 access_token：请核对 AppSecret。 / The AppSecret is wrong, so no access token could be obtained: check the AppSecret.');
      }
      return err('access_token 无效或已被更新，重试后仍失败。 / The access token is invalid or was replaced, and a retry failed too.');
    case 42001:
      return err('access_token 已过期，重试后仍失败。 / The access token expired, and a retry failed too.');
    case 40013:
      return err('AppID 无效：请核对配置中的 AppID（wx 开头的 18 位）。 / The AppID is invalid: check the AppID in the settings (18 characters starting with "wx").');
    case 40243:
      return err('AppSecret 已被冻结，无法获取 access_token：请在公众平台解冻。 / The AppSecret is frozen: unfreeze it on mp.weixin.qq.com.');
    case 89503:
      return err(
        '此 IP 调用需要管理员确认：请公众号管理员在微信中确认后重试。 / Calls from this IP need the administrator’s confirmation: confirm in WeChat, then retry.',
      );
    case 45009: {
      const resetAt = nextBeijingMidnight(ctx.now);
      return err(
        `接口 ${ctx.apiPath} 今日调用次数已达上限，将于北京时间 ${beijingTime(resetAt)}（次日零点）恢复。 / The daily quota of ${ctx.apiPath} is used up; ` +
          `it resets at midnight Beijing time (${resetAt.toISOString()}).`,
        { resetAt: resetAt.toISOString() },
      );
    }
    case 45011:
      return err('调用太频繁（每分钟限额），请稍后再试。 / Too many calls this minute: try again in a minute.');
    case -1:
      return err('微信系统繁忙，重试后仍失败，请稍后再试。 / WeChat is busy and retries failed: try again later.');
    case 40029:
      return err('授权码（code）无效或已过期（5 分钟内有效），请重新扫码。 / The authorization code is invalid or expired (codes last 5 minutes): scan again.');
    case 40163:
      return err('授权码（code）已被使用过，请重新扫码。 / The authorization code was already used: scan again.');
    case 48001:
      return err('公众号没有此接口的权限（需认证服务号）。 / The account is not authorized for this API (it needs a verified service account).');
    default:
      return err(`微信返回错误 ${errcode}：${errmsg} / WeChat answered errcode ${errcode}: ${errmsg}`);
  }
}
