/**
 * Web OAuth state (§2): authorization codes (5 minutes, single use), user access tokens (2 hours) and refresh
 * tokens (30 days from the original grant, never extended — the conservative reading of the §2.3 conflict).
 */
import type { SandboxClock } from '../clock';
import { randomAlnum, randomToken } from './ids';

export const OAUTH_SCOPES = ['snsapi_base', 'snsapi_userinfo', 'snsapi_login'] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

export const CODE_TTL_MS = 5 * 60 * 1000;
export const USER_TOKEN_TTL_MS = 7200 * 1000;
export const REFRESH_TTL_MS = 30 * 86_400_000;

interface CodeRecord {
  appId: string;
  userId: string;
  scope: OAuthScope;
  expiresAt: number;
  used: boolean;
}

/** What one consent granted: the user, the app and the scope. */
export interface Grant {
  appId: string;
  userId: string;
  scope: OAuthScope;
}

interface UserToken extends Grant {
  token: string;
  expiresAt: number;
}

interface RefreshRecord extends Grant {
  refreshToken: string;
  expiresAt: number;
  accessToken: string;
}

export interface IssuedUserToken extends Grant {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

export class OAuthStore {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly userTokens = new Map<string, UserToken>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();

  constructor(private readonly clock: SandboxClock) {}

  /** A new code for a consent (or a silent snsapi_base pass): different each time, 5 minutes, single use (§2.1). */
  issueCode(grant: Grant): string {
    const now = this.clock.now();
    for (const [code, record] of this.codes) if (record.expiresAt + CODE_TTL_MS < now) this.codes.delete(code);
    const code = randomAlnum(32);
    this.codes.set(code, { ...grant, expiresAt: now + CODE_TTL_MS, used: false });
    return code;
  }

  /** Exchanges a code of `appId`: 40163 when already used, 40029 when unknown, of another app, or expired. */
  exchange(appId: string, code: string): IssuedUserToken | { errcode: 40029 | 40163 } {
    const record = this.codes.get(code);
    if (!record || record.appId !== appId) return { errcode: 40029 };
    if (record.used) return { errcode: 40163 };
    if (this.clock.now() >= record.expiresAt) return { errcode: 40029 };
    record.used = true;
    const now = this.clock.now();
    const access = this.newUserToken(record, now);
    const refresh: RefreshRecord = { ...grantOf(record), refreshToken: randomToken(86), expiresAt: now + REFRESH_TTL_MS, accessToken: access.token };
    this.refreshTokens.set(refresh.refreshToken, refresh);
    return { ...grantOf(record), accessToken: access.token, expiresIn: 7200, refreshToken: refresh.refreshToken };
  }

  /**
   * `/sns/oauth2/refresh_token`: an unexpired access token is extended unchanged, an expired one replaced (§2.3);
   * the refresh token itself keeps its original lifetime. 40030 when unknown, of another app, or expired.
   */
  refresh(appId: string, refreshToken: string): IssuedUserToken | { errcode: 40030 } {
    const now = this.clock.now();
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.appId !== appId || now >= record.expiresAt) return { errcode: 40030 };
    const current = this.userTokens.get(record.accessToken);
    if (current && now < current.expiresAt) {
      current.expiresAt = now + USER_TOKEN_TTL_MS;
    } else {
      record.accessToken = this.newUserToken(record, now).token;
    }
    return { ...grantOf(record), accessToken: record.accessToken, expiresIn: 7200, refreshToken };
  }

  /** The grant behind a user access token: 40001 when unknown, 42001 when expired. */
  checkUserToken(token: string): Grant | { errcode: 40001 | 42001 } {
    const record = this.userTokens.get(token);
    if (!record) return { errcode: 40001 };
    if (this.clock.now() >= record.expiresAt) return { errcode: 42001 };
    return grantOf(record);
  }

  private newUserToken(grant: Grant, now: number): UserToken {
    const token: UserToken = { ...grantOf(grant), token: `89_${randomToken(110)}`, expiresAt: now + USER_TOKEN_TTL_MS };
    this.userTokens.set(token.token, token);
    return token;
  }
}

function grantOf(record: Grant): Grant {
  return { appId: record.appId, userId: record.userId, scope: record.scope };
}
