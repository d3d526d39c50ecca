/**
 * Binding a team member's WeChat by QR code (wechat-protocols.md §2):
 *
 *   waiting ──/oauth/start──▶ scanned ──/oauth/callback with code──▶ confirmed ──code + userinfo──▶ bound
 *      │                         │                       └──────── without code ──▶ denied
 *      └─────── 5 minutes ───────┴──▶ expired            confirmed ── WeChat refuses ──▶ failed
 *
 * The QR encodes our own landing URL (`/oauth/start?s=<state>`), so the studio sees "scanned" the moment a phone
 * opens it; the landing page redirects to WeChat's authorize page (official-account web auth, snsapi_userinfo) or
 * the website app's qrconnect page (snsapi_login). The `state` is random, valid 5 minutes and single-use: the
 * callback claims it with one conditional UPDATE, so a replayed callback — even one racing the first — binds nothing.
 */
import type Database from 'better-sqlite3';
import QRCode from 'qrcode';
import type { BindingSession, Role } from '../../../shared/companion/api';
import { CompanionError, isCompanionError } from '../errors';
import type { WechatClient } from '../wechat/client';
import { base62, newId } from './ids';
import type { SecretsService } from './secrets';
import type { BindingMode, SettingsService } from './settings';
import type { TeamService } from './team';

export const BINDING_TTL_MS = 5 * 60_000;

interface SessionRow {
  id: string;
  state: string;
  mode: BindingMode;
  status: BindingSession['status'];
  member_id: string | null;
  new_member_name: string | null;
  new_member_role: Role | null;
  created_by: string | null;
  expires_at: string;
  error_code: string | null;
  error_message: string | null;
}

/** What a phone's browser is shown: a redirect to WeChat, or a short bilingual page. */
export type PhoneAnswer =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; ok: boolean; title: string; message: string };

/** Reasons a binding is rejected, each with the message shown on the phone and in the session (中文 first). */
const REJECTIONS = {
  STATE_UNKNOWN: {
    status: 400,
    title: '链接无效 / Invalid link',
    message: '这个绑定链接无效，请在工作台重新生成二维码。 / This binding link is not valid: create a new QR code in the studio.',
  },
  STATE_REPLAYED: {
    status: 409,
    title: '链接已使用 / Link already used',
    message: '这个绑定链接已经使用过，不能再次使用。请在工作台重新生成二维码。 / This binding link was already used and cannot be used again: create a new QR code in the studio.',
  },
  EXPIRED: {
    status: 410,
    title: '二维码已过期 / QR code expired',
    message: '二维码已过期（有效期 5 分钟），请在工作台点击刷新后重新扫码。 / The QR code expired (it is valid for 5 minutes): refresh it in the studio and scan again.',
  },
  DENIED: {
    status: 200,
    title: '已取消授权 / Authorization declined',
    message: '你拒绝了授权，未绑定任何微信账号。 / You declined the authorization; no WeChat account was bound.',
  },
  CODE_USED: {
    status: 400,
    title: '授权码已使用 / Code already used',
    message: '微信授权码已被使用过（40163），未绑定任何账号。请重新扫码。 / WeChat says this authorization code was already used (40163); nothing was bound. Scan again.',
  },
  CODE_INVALID: {
    status: 400,
    title: '授权码无效 / Invalid code',
    message: '微信授权码无效或已过期（40029），未绑定任何账号。请重新扫码。 / WeChat says this authorization code is invalid or expired (40029); nothing was bound. Scan again.',
  },
  ALREADY_BOUND: {
    status: 409,
    title: '微信已绑定其他成员 / Already bound',
    message: '这个微信已经绑定了团队中的另一位成员，请先在工作台解绑。 / This WeChat account is already bound to another team member: unbind it in the studio first.',
  },
} as const;
type RejectionCode = keyof typeof REJECTIONS;

function rejection(code: RejectionCode): PhoneAnswer {
  const r = REJECTIONS[code];
  return { kind: 'page', status: r.status, ok: false, title: r.title, message: r.message };
}

const OPEN = ['waiting', 'scanned'] as const;

export class BindingService {
  constructor(
    private readonly deps: {
      db: Database.Database;
      team: TeamService;
      wechat: WechatClient;
      secrets: SecretsService;
      settings: SettingsService;
      appIds: { officialAccount: string | null; websiteApp: string | null };
      publicBaseUrl: () => string;
      openBaseUrl: () => string;
      now: () => Date;
    },
  ) {}

  private row(where: 'id' | 'state', value: string): SessionRow | undefined {
    return this.deps.db.prepare<[string], SessionRow>(`SELECT * FROM binding_sessions WHERE ${where} = ?`).get(value);
  }

  private qrUrl(state: string): string {
    return `${this.deps.publicBaseUrl()}/oauth/start?s=${state}`;
  }

  private app(mode: BindingMode): { appId: string; appSecret: string } {
    const appId = mode === 'oauth' ? this.deps.appIds.officialAccount : this.deps.appIds.websiteApp;
    const appSecret = this.deps.secrets.get(mode === 'oauth' ? 'officialAccount.appSecret' : 'websiteApp.appSecret');
    if (!appId || !appSecret) {
      throw new CompanionError(
        'NOT_CONFIGURED',
        mode === 'oauth'
          ? '公众号的 AppID / AppSecret 尚未设置，无法网页授权绑定。 / The official account’s AppID and AppSecret must be set for web authorization.'
          : '网站应用的 AppID / AppSecret 尚未设置，无法扫码登录绑定。 / The website app’s AppID and AppSecret must be set for QR login.',
        { mode },
      );
    }
    return { appId, appSecret };
  }

  async create(
    input: { memberId: string; mode?: BindingMode | undefined } | { newMember: { name: string; role: Role }; mode?: BindingMode | undefined },
    createdBy: string,
  ): Promise<BindingSession> {
    const mode = input.mode ?? this.deps.settings.bindingMode();
    this.app(mode);
    if ('memberId' in input) this.deps.team.getMember(input.memberId);
    const now = this.deps.now();
    const id = newId();
    this.deps.db
      .prepare(
        `INSERT INTO binding_sessions (id, state, mode, status, member_id, new_member_name, new_member_role, created_by, created_at, expires_at)
         VALUES (?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        base62(32),
        mode,
        'memberId' in input ? input.memberId : null,
        'newMember' in input ? input.newMember.name : null,
        'newMember' in input ? input.newMember.role : null,
        createdBy,
        now.toISOString(),
        new Date(now.getTime() + BINDING_TTL_MS).toISOString(),
      );
    return this.get(id);
  }

  /** The session as the studio polls it; one whose 5 minutes are up is marked expired on the way. */
  async get(id: string): Promise<BindingSession> {
    let row = this.row('id', id);
    if (!row) throw new CompanionError('NOT_FOUND', `No binding session ${id}`, { bindingId: id });
    if (this.expireIfDue(row)) row = this.row('id', id)!;
    const qrUrl = this.qrUrl(row.state);
    const png = await QRCode.toBuffer(qrUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
    return {
      id: row.id,
      status: row.status,
      mode: row.mode,
      qrUrl,
      qrPngBase64: png.toString('base64'),
      expiresAt: row.expires_at,
      memberId: row.member_id,
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    };
  }

  private expireIfDue(row: SessionRow): boolean {
    if (!(OPEN as readonly string[]).includes(row.status) || Date.parse(row.expires_at) > this.deps.now().getTime()) return false;
    this.finish(row.id, 'expired', 'EXPIRED', OPEN);
    return true;
  }

  /** Moves a session from one of `from` to a final status, with the reason; false when it was no longer in `from`. */
  private finish(id: string, status: BindingSession['status'], code: RejectionCode | string | null, from: readonly string[], message?: string): boolean {
    const text = message ?? (code && code in REJECTIONS ? REJECTIONS[code as RejectionCode].message : null);
    const result = this.deps.db
      .prepare(
        `UPDATE binding_sessions SET status = ?, error_code = ?, error_message = ?, finished_at = ?
         WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
      )
      .run(status, code, text, this.deps.now().toISOString(), id, ...from);
    return result.changes === 1;
  }

  /** `/oauth/start?s=<state>`: the phone opened the QR. Marks it scanned and sends the phone on to WeChat. */
  start(state: string | undefined): PhoneAnswer {
    const row = state ? this.row('state', state) : undefined;
    if (!row) return rejection('STATE_UNKNOWN');
    if (this.expireIfDue(row) || row.status === 'expired') return rejection('EXPIRED');
    if (!(OPEN as readonly string[]).includes(row.status)) return rejection('STATE_REPLAYED');
    this.deps.db
      .prepare("UPDATE binding_sessions SET status = 'scanned', scanned_at = coalesce(scanned_at, ?) WHERE id = ? AND status IN ('waiting', 'scanned')")
      .run(this.deps.now().toISOString(), row.id);
    const { appId } = this.app(row.mode);
    const redirectUri = encodeURIComponent(`${this.deps.publicBaseUrl()}/oauth/callback`);
    const open = this.deps.openBaseUrl();
    // Parameter order as WeChat documents it; `#wechat_redirect` is required for a 302 (§2.1).
    const location =
      row.mode === 'oauth'
        ? `${open}/connect/oauth2/authorize?appid=${appId}&redirect_uri=${redirectUri}&response_type=code&scope=snsapi_userinfo&state=${state}#wechat_redirect`
        : `${open}/connect/qrconnect?appid=${appId}&redirect_uri=${redirectUri}&response_type=code&scope=snsapi_login&state=${state}#wechat_redirect`;
    return { kind: 'redirect', location };
  }

  /** `/oauth/callback?code=…&state=…`: WeChat sends the phone back. Claims the state once, then binds. */
  async callback(query: { code?: string | undefined; state?: string | undefined }): Promise<PhoneAnswer> {
    const row = query.state ? this.row('state', query.state) : undefined;
    if (!row) return rejection('STATE_UNKNOWN');
    if (this.expireIfDue(row) || row.status === 'expired') return rejection('EXPIRED');
    if (!query.code) {
      // §2.6: a refusal comes back (if at all) with the state and no code.
      return this.finish(row.id, 'denied', 'DENIED', OPEN) ? rejection('DENIED') : rejection('STATE_REPLAYED');
    }
    // The single use of the state: only one request can move it out of waiting/scanned.
    const claimed = this.deps.db
      .prepare("UPDATE binding_sessions SET status = 'confirmed' WHERE id = ? AND status IN ('waiting', 'scanned')")
      .run(row.id).changes;
    if (claimed !== 1) return rejection('STATE_REPLAYED');

    try {
      return await this.bind(row, query.code);
    } catch (error) {
      const known = isCompanionError(error) ? error : null;
      const errcode = known?.details?.errcode;
      const code: string = errcode === 40163 ? 'CODE_USED' : errcode === 40029 ? 'CODE_INVALID' : known ? `${known.code}${errcode !== undefined ? `_${errcode}` : ''}` : 'INTERNAL';
      const message = code in REJECTIONS ? REJECTIONS[code as RejectionCode].message : (known?.message ?? '绑定失败。 / Binding failed.');
      this.finish(row.id, 'failed', code, ['confirmed'], message);
      if (code in REJECTIONS) return rejection(code as RejectionCode);
      return { kind: 'page', status: 502, ok: false, title: '绑定失败 / Binding failed', message };
    }
  }

  private async bind(row: SessionRow, code: string): Promise<PhoneAnswer> {
    const { appId, appSecret } = this.app(row.mode);
    const memberForAudit = row.created_by;
    const grant = await this.deps.wechat.call<{ access_token?: string; openid?: string; unionid?: string }>({
      path: '/sns/oauth2/access_token',
      query: { appid: appId, secret: appSecret, code, grant_type: 'authorization_code' },
      memberId: memberForAudit,
    });
    if (!grant.access_token || !grant.openid) throw new CompanionError('WECHAT_ERROR', 'The code exchange answered without a token or openid', { errcode: 0 });
    const info = await this.deps.wechat.call<{ openid?: string; nickname?: string; headimgurl?: string; unionid?: string }>({
      path: '/sns/userinfo',
      query: { access_token: grant.access_token, openid: grant.openid, lang: 'zh_CN' },
      memberId: memberForAudit,
    });
    const openid = grant.openid;
    const unionid = info.unionid ?? grant.unionid ?? null;
    const nickname = info.nickname ?? '';
    const avatarUrl = info.headimgurl ?? '';

    const db = this.deps.db;
    const outcome = db
      .transaction((): { ok: true; memberId: string; memberName: string } | { ok: false } => {
        const holder = db
          .prepare<[string, string, string | null], { member_id: string }>(
            'SELECT member_id FROM wechat_identities WHERE (app_id = ? AND openid = ?) OR (unionid IS NOT NULL AND unionid = ?)',
          )
          .all(appId, openid, unionid);
        if (holder.some((h) => h.member_id !== row.member_id)) return { ok: false };
        const memberId = row.member_id ?? this.deps.team.createMember(row.new_member_name ?? nickname ?? 'WeChat', row.new_member_role ?? 'viewer');
        const now = this.deps.now().toISOString();
        db.prepare(
          `INSERT INTO wechat_identities (member_id, app_id, openid, unionid, nickname, avatar_url, bound_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (member_id) DO UPDATE SET app_id = excluded.app_id, openid = excluded.openid, unionid = excluded.unionid,
             nickname = excluded.nickname, avatar_url = excluded.avatar_url, bound_at = excluded.bound_at`,
        ).run(memberId, appId, openid, unionid, nickname, avatarUrl, now);
        db.prepare("UPDATE binding_sessions SET status = 'bound', member_id = ?, finished_at = ?, error_code = NULL, error_message = NULL WHERE id = ?").run(
          memberId,
          now,
          row.id,
        );
        return { ok: true, memberId, memberName: this.deps.team.getMember(memberId).name };
      })
      .immediate();
    if (!outcome.ok) {
      this.finish(row.id, 'failed', 'ALREADY_BOUND', ['confirmed']);
      return rejection('ALREADY_BOUND');
    }
    return {
      kind: 'page',
      status: 200,
      ok: true,
      title: '绑定成功 / Bound',
      message: `微信「${nickname}」已绑定到团队成员「${outcome.memberName}」，可以关闭此页面。 / WeChat "${nickname}" is now bound to team member "${outcome.memberName}". You can close this page.`,
    };
  }
}
