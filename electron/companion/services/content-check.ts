/**
 * The online second opinion: WeChat's content security (msg_sec_check v2, wechat-protocols.md §8.1) through the
 * team's mini program, with its own access token (a second WechatClient: the mini program's AppID and AppSecret).
 *
 * - Which openid: v2 needs the openid of a user of the mini program — in real WeChat one who opened it within the
 *   last two hours. The calling member's own openid is used when their bound WeChat identity is in the mini program;
 *   otherwise the configured review openid (config `wechat.miniProgram.reviewOpenid` or `settings.update`), typically
 *   a team member who opens the mini program while reviewing. Without either: NOT_CONFIGURED.
 * - Long text: WeChat takes 2,500 characters per call, so the text is cut into chunks at sentence ends (else at a
 *   comma or space, else hard, never inside a surrogate pair), each checked on its own; the worst verdict wins (risky
 *   over review over pass; the earliest chunk on a tie). Chunks of whitespace only are not sent. A term cut in two
 *   by a hard break is not seen — only a sentence with no break at all in 2,500 characters gets one.
 */
import type Database from 'better-sqlite3';
import {
  SEC_CHECK_CHUNK_CHARS,
  SEC_LABEL_NORMAL,
  SEC_SUGGESTS,
  secLabelInfo,
  secSeverity,
  type SecCheckChunk,
  type SecCheckResult,
  type SecSuggest,
} from '../../../shared/companion/api';
import type { CompanionConfig } from '../config';
import { CompanionError, isCompanionError } from '../errors';
import type { WechatClient } from '../wechat/client';
import type { SecretsService } from './secrets';
import type { SettingsService } from './settings';

export const SEC_CHECK_PATH = '/wxa/msg_sec_check';
/** Chunks of one text checked at once: fast enough for 20,000 characters, gentle on the per-minute limit. */
const CONCURRENCY = 4;

/** Ends of a sentence, after which a chunk may end. */
const SENTENCE_END = /[。！？!?；;…\n]/u;
/** Closing quotes and brackets that belong to the sentence they follow. */
const CLOSER = /[”’」』）)\]》"']/u;
/** Weaker breaks, used when a sentence is longer than a chunk. */
const WEAK_BREAK = /[，,、：:\s]/u;

export interface TextSpan {
  start: number;
  end: number;
}

/** Where a chunk starting at `start` should end, at most `limit` (< text.length). */
function cutPoint(text: string, start: number, limit: number): number {
  let strong = -1;
  let weak = -1;
  for (let i = start; i < limit; i++) {
    const ch = text[i]!;
    if (SENTENCE_END.test(ch) || (ch === '.' && /\s/u.test(text[i + 1] ?? ''))) {
      let end = i + 1;
      while (end < limit && CLOSER.test(text[end]!)) end++;
      strong = end;
    } else if (WEAK_BREAK.test(ch)) {
      weak = i + 1;
    }
  }
  if (strong > start) return strong;
  if (weak > start) return weak;
  // A hard cut must not separate the halves of a surrogate pair (an emoji, a rare CJK character).
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** Splits `text` into consecutive spans of at most `max` UTF-16 units (so at most `max` characters), at sentence ends. */
export function splitForSecCheck(text: string, max = SEC_CHECK_CHUNK_CHARS): TextSpan[] {
  const spans: TextSpan[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.length - start <= max ? text.length : cutPoint(text, start, start + max);
    spans.push({ start, end });
    start = end;
  }
  return spans;
}

/** WeChat's verdict from one answer; labels may come as numbers or as strings (§8.2 observed both). */
function verdictOf(data: Record<string, unknown>): { suggest: SecSuggest; label: number; traceId: string; keyword?: string } | null {
  const result = data.result as { suggest?: unknown; label?: unknown } | undefined;
  const suggest = result?.suggest;
  const label = typeof result?.label === 'string' && result.label.trim() !== '' ? Number(result.label) : result?.label;
  if (typeof suggest !== 'string' || !(SEC_SUGGESTS as readonly string[]).includes(suggest)) return null;
  if (typeof label !== 'number' || !Number.isInteger(label)) return null;
  const detail = Array.isArray(data.detail) ? (data.detail as Record<string, unknown>[]) : [];
  // A detail item counts only when its own errcode is 0 (§8.1).
  const keyword = detail.find((d) => d?.strategy === 'keyword' && Number(d.errcode ?? 0) === 0 && typeof d.keyword === 'string' && d.keyword !== '')?.keyword;
  return {
    suggest: suggest as SecSuggest,
    label,
    traceId: typeof data.trace_id === 'string' ? data.trace_id : '',
    ...(typeof keyword === 'string' ? { keyword } : {}),
  };
}

/** Runs `work` over `items` with at most `limit` in flight; rejects with the first failure and starts no more. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        out[index] = await work(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface ContentCheckDeps {
  db: Database.Database;
  /** The WeChat client holding the mini program's access token. */
  client: WechatClient;
  config: CompanionConfig;
  secrets: SecretsService;
  settings: SettingsService;
}

export class ContentCheckService {
  constructor(private readonly deps: ContentCheckDeps) {}

  /** The openid to check as for this member; NOT_CONFIGURED when the mini program or any openid is missing. */
  private openidFor(memberId: string): string {
    const appId = this.deps.config.wechat.miniProgram.appId;
    if (!appId || !this.deps.secrets.has('miniProgram.appSecret')) {
      throw new CompanionError(
        'NOT_CONFIGURED',
        '未配置小程序（AppID 与 AppSecret），无法进行微信内容安全检测。 / No mini program (AppID and AppSecret) is configured for WeChat’s content check.',
        { missing: 'miniProgram' },
      );
    }
    const own = this.deps.db
      .prepare<[string, string], { openid: string }>('SELECT openid FROM wechat_identities WHERE member_id = ? AND app_id = ?')
      .get(memberId, appId);
    const openid = own?.openid ?? this.deps.settings.reviewOpenid();
    if (!openid) {
      throw new CompanionError(
        'NOT_CONFIGURED',
        '未设置审核用 openid：内容安全检测需要一位访问过小程序的用户的 openid。 / No review openid is set: the content check needs the openid of a user of the mini program.',
        { missing: 'reviewOpenid' },
      );
    }
    return openid;
  }

  async check(input: { text: string; scene: number }, memberId: string): Promise<SecCheckResult> {
    const openid = this.openidFor(memberId);
    const spans = splitForSecCheck(input.text).filter((s) => input.text.slice(s.start, s.end).trim() !== '');
    const chunks = await mapLimited(spans, CONCURRENCY, async (span): Promise<SecCheckChunk> => {
      const data = await this.call({ version: 2, openid, scene: input.scene, content: input.text.slice(span.start, span.end) }, memberId);
      const verdict = verdictOf(data);
      if (!verdict) {
        throw new CompanionError('WECHAT_ERROR', '微信的内容安全检测应答缺少结论。 / WeChat answered the content check without a verdict.', {
          errcode: 0,
          apiPath: SEC_CHECK_PATH,
        });
      }
      return { start: span.start, end: span.end, ...verdict };
    });
    let worst: SecCheckChunk | null = null;
    for (const chunk of chunks) if (!worst || secSeverity(chunk.suggest) > secSeverity(worst.suggest)) worst = chunk;
    const label = worst?.label ?? SEC_LABEL_NORMAL;
    const info = secLabelInfo(label);
    return { suggest: worst?.suggest ?? 'pass', label, labelName: info.name, categories: [...info.categories], chunks };
  }

  private async call(body: Record<string, unknown>, memberId: string): Promise<Record<string, unknown>> {
    try {
      return await this.deps.client.call({ method: 'POST', path: SEC_CHECK_PATH, accessToken: true, body, memberId });
    } catch (error) {
      const errcode = isCompanionError(error) && error.code === 'WECHAT_ERROR' ? error.details?.errcode : undefined;
      if (isCompanionError(error) && (errcode === 40003 || errcode === 43104)) {
        throw new CompanionError(
          'WECHAT_ERROR',
          `用于检测的 openid 不是该小程序的用户（${errcode}）：请设置一位打开过小程序的成员的 openid。 / The openid used for the check is not a user of the ` +
            `mini program (${errcode}): set the openid of a member who opened the mini program.`,
          { ...error.details },
        );
      }
      throw error;
    }
  }
}
