/**
 * The official account's access_token, per wechat-protocols.md §1 — one central holder, as WeChat recommends:
 *
 * - one refresh in flight at a time: every caller that needs a new token awaits the same promise;
 * - proactive refresh: within the last minutes of a token's life a refresh starts in the background while callers
 *   keep using the current token, which WeChat keeps valid for 5 minutes after the switch (§1.1/§1.2);
 * - passive refresh: a caller that got 40001/42001 reports the token it used; if it is still the current one, it is
 *   dropped and refreshed once (a stale report after someone else refreshed changes nothing).
 */

export interface IssuedToken {
  accessToken: string;
  /** Seconds, as WeChat answered. */
  expiresIn: number;
}

/** Fetches a token from WeChat (`force` asks stable_token to rotate even a valid one). */
export type TokenFetcher = (force: boolean) => Promise<IssuedToken>;

export interface AccessTokenManagerOptions {
  fetch: TokenFetcher;
  now: () => number;
  /** Refresh this long before expiry (at most half the token's life). Default 5 minutes, WeChat's overlap window. */
  refreshBeforeMs?: number;
  onBackgroundError?: (error: unknown) => void;
}

interface Current {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

export class AccessTokenManager {
  private current: Current | null = null;
  private inflight: Promise<string> | null = null;
  /** How many times a token was fetched from WeChat (for diagnostics and tests). */
  refreshes = 0;

  constructor(private readonly options: AccessTokenManagerOptions) {}

  /** A token that is valid now. Waits for a refresh only when there is no usable token. */
  async get(): Promise<string> {
    const now = this.options.now();
    const c = this.current;
    if (c && now < c.expiresAt) {
      if (now >= c.refreshAt && !this.inflight) {
        // The current token stays valid through WeChat's overlap window: refresh behind the callers' backs.
        this.refresh(false).catch((error: unknown) => this.options.onBackgroundError?.(error));
      }
      return c.token;
    }
    return this.refresh(false);
  }

  /**
   * Reports that WeChat rejected `token` as invalid or expired (40001/42001). Resolves once a different token is
   * current (refreshing at most once for any number of concurrent reports).
   */
  async rejected(token: string): Promise<void> {
    if (this.inflight) await this.inflight.catch(() => undefined);
    if (this.current && this.current.token !== token) return;
    this.current = null;
    const fresh = await this.refresh(false);
    // stable_token in normal mode hands back the same token while WeChat still deems it valid; force a rotation then.
    if (fresh === token) await this.refresh(true);
  }

  /** Forgets the token (the AppSecret or AppID changed). */
  reset(): void {
    this.current = null;
  }

  /** Resolves when no refresh is in flight (a background refresh included); never rejects. */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight.catch(() => undefined);
  }

  /** The token held now, without refreshing (tests and diagnostics). */
  peek(): string | null {
    return this.current?.token ?? null;
  }

  private refresh(force: boolean): Promise<string> {
    if (this.inflight) return this.inflight;
    const run = (async () => {
      try {
        this.refreshes++;
        const issued = await this.options.fetch(force);
        const now = this.options.now();
        const lifeMs = Math.max(1, issued.expiresIn) * 1000;
        const before = Math.min(this.options.refreshBeforeMs ?? 300_000, lifeMs / 2);
        this.current = { token: issued.accessToken, expiresAt: now + lifeMs, refreshAt: now + lifeMs - before };
        return issued.accessToken;
      } finally {
        this.inflight = null;
      }
    })();
    this.inflight = run;
    return run;
  }
}
