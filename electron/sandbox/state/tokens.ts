/**
 * The base access_token service with the semantics of §1.3: `/cgi-bin/token` and `/cgi-bin/stable_token` keep
 * separate chains per app, overwritten tokens stay valid for a 5-minute overlap, and daily limits apply.
 */
import { beijingDay, type SandboxClock } from '../clock';
import { randomToken } from './ids';

export const TOKEN_TTL_MS = 7200 * 1000;
/** Overlap after a new token replaces the old one (§1.1), and the stable token's rotation window (§1.2). */
export const OVERLAP_MS = 300 * 1000;
/** get access_token: 2000 calls per day for a new account (§1.1). */
export const TOKEN_DAILY_QUOTA = 2000;
/** stable_token force_refresh: 20 per day, at least 30 s apart (§1.2). */
export const FORCE_DAILY_LIMIT = 20;
export const FORCE_SPACING_MS = 30 * 1000;

type Chain = 'token' | 'stable';

interface TokenRecord {
  token: string;
  appId: string;
  chain: Chain;
  expiresAt: number;
  /** From this instant the token answers 40001: it was overwritten (after the overlap), forced out or invalidated. */
  revokedAt: number | null;
}

interface ChainState {
  current: TokenRecord | null;
  /** The token `current` replaced, still inside its overlap. */
  previous: TokenRecord | null;
}

interface AppCounters {
  day: number;
  tokenCalls: number;
  forceRefreshes: number;
  lastForceAt: number | null;
}

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

export type TokenCheck = { ok: true; appId: string } | { ok: false; errcode: 40001 | 42001 };

/** Records are kept a week past expiry so a stale token still answers 42001; older ones fall back to 40001. */
const KEEP_AFTER_EXPIRY_MS = 7 * 86_400_000;

export class TokenService {
  private readonly records = new Map<string, TokenRecord>();
  private readonly chains = new Map<string, ChainState>();
  private readonly counters = new Map<string, AppCounters>();

  constructor(private readonly clock: SandboxClock) {}

  /**
   * Counts one `/cgi-bin/token` call toward the daily quota; false once the quota is spent (45009).
   * Called only after appid and secret were accepted.
   */
  takeTokenQuota(appId: string): boolean {
    const counters = this.countersOf(appId);
    if (counters.tokenCalls >= TOKEN_DAILY_QUOTA) return false;
    counters.tokenCalls += 1;
    return true;
  }

  /** `/cgi-bin/token`: always a new token; the previous one overlaps 5 minutes, anything older is 40001 at once. */
  issueToken(appId: string): IssuedToken {
    const now = this.clock.now();
    const chain = this.chainOf(appId, 'token');
    if (chain.previous) this.revoke(chain.previous, now);
    if (chain.current && chain.current.expiresAt > now) this.revoke(chain.current, now + OVERLAP_MS);
    chain.previous = chain.current;
    chain.current = this.create(appId, 'token', now);
    return { access_token: chain.current.token, expires_in: 7200 };
  }

  /**
   * `/cgi-bin/stable_token`: the current token while more than 5 minutes remain; a new one in the last 5 minutes
   * (the old one lives out its time). `force` replaces it at once, within 20 per day and 30 s spacing — otherwise
   * the call behaves as a normal one ("no refresh happens", §1.2).
   */
  stableToken(appId: string, force: boolean): IssuedToken {
    const now = this.clock.now();
    const chain = this.chainOf(appId, 'stable');
    const counters = this.countersOf(appId);
    const forceAllowed =
      force && counters.forceRefreshes < FORCE_DAILY_LIMIT && (counters.lastForceAt === null || now - counters.lastForceAt >= FORCE_SPACING_MS);
    if (forceAllowed) {
      counters.forceRefreshes += 1;
      counters.lastForceAt = now;
      if (chain.current) this.revoke(chain.current, now);
    } else if (chain.current && this.usable(chain.current, now) && chain.current.expiresAt - now > OVERLAP_MS) {
      return { access_token: chain.current.token, expires_in: Math.floor((chain.current.expiresAt - now) / 1000) };
    }
    chain.previous = chain.current;
    chain.current = this.create(appId, 'stable', now);
    return { access_token: chain.current.token, expires_in: 7200 };
  }

  /** Whether `token` may call an API now: 40001 for unknown, overwritten or invalidated tokens, 42001 once expired. */
  check(token: string): TokenCheck {
    const now = this.clock.now();
    const record = this.records.get(token);
    if (!record) return { ok: false, errcode: 40001 };
    if (record.revokedAt !== null && now >= record.revokedAt) return { ok: false, errcode: 40001 };
    if (now >= record.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, appId: record.appId };
  }

  /** Control API `tokens.invalidate`: every token of the app, in both chains, answers 40001 from now on. */
  invalidate(appId: string): void {
    const now = this.clock.now();
    for (const record of this.records.values()) if (record.appId === appId) this.revoke(record, now);
  }

  private usable(record: TokenRecord, now: number): boolean {
    return (record.revokedAt === null || now < record.revokedAt) && now < record.expiresAt;
  }

  private revoke(record: TokenRecord, at: number): void {
    record.revokedAt = record.revokedAt === null ? at : Math.min(record.revokedAt, at);
  }

  private create(appId: string, chain: Chain, now: number): TokenRecord {
    this.prune(now);
    // Real tokens are long opaque strings (the doc asks clients to reserve 512 characters).
    const record: TokenRecord = { token: `89_${randomToken(150)}`, appId, chain, expiresAt: now + TOKEN_TTL_MS, revokedAt: null };
    this.records.set(record.token, record);
    return record;
  }

  private prune(now: number): void {
    for (const [token, record] of this.records) if (record.expiresAt + KEEP_AFTER_EXPIRY_MS < now) this.records.delete(token);
  }

  private chainOf(appId: string, chain: Chain): ChainState {
    const key = `${chain}:${appId}`;
    let state = this.chains.get(key);
    if (!state) this.chains.set(key, (state = { current: null, previous: null }));
    return state;
  }

  private countersOf(appId: string): AppCounters {
    const day = beijingDay(this.clock.now());
    let counters = this.counters.get(appId);
    if (!counters || counters.day !== day) {
      counters = { day, tokenCalls: 0, forceRefreshes: 0, lastForceAt: counters?.lastForceAt ?? null };
      this.counters.set(appId, counters);
    }
    return counters;
  }
}
