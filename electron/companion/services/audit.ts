/**
 * 接口调用明细: every call the companion makes to WeChat — when, which API, WeChat's errcode, how long it took and
 * for which member — with parameters desensitized before they are stored (secrets, tokens and codes removed, openids
 * masked, texts sent for checking reduced to their length). Listed page by page and exported as CSV for Excel.
 */
import type Database from 'better-sqlite3';
import { maskOpenid } from '../../../shared/companion/api';

/** Not a WeChat errcode: the call got no answer from WeChat (network error, timeout, non-200 HTTP status). */
export const ERRCODE_UNREACHABLE = -100;

const HIDDEN = new Set([
  'secret',
  'appsecret',
  'access_token',
  'refresh_token',
  'component_access_token',
  'code',
  'js_code',
  'token',
  'ticket',
  'encodingaeskey',
  'session_key',
  // WeChat Pay: the buyer's IP (H5 scene_info) is personal data.
  'payer_client_ip',
]);
const MASKED = new Set(['openid', 'unionid', 'touser', 'openid_list']);
/** Texts sent for checking (msg_sec_check): drafts stay out of the log, only their length is kept. */
const SUMMARIZED = new Set(['content']);

/** A copy of `value` fit for the audit log: hidden keys replaced, openids masked, long strings cut. */
export function desensitize(value: unknown, key = ''): unknown {
  const k = key.toLowerCase();
  if (HIDDEN.has(k)) return '***';
  if (SUMMARIZED.has(k) && typeof value === 'string') return `[${value.length} characters]`;
  if (MASKED.has(k)) {
    if (typeof value === 'string') return maskOpenid(value);
    if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? maskOpenid(v) : '***'));
    return '***';
  }
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => desensitize(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k2, v]) => [k2, desensitize(v, k2)]));
  }
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 200)}…`;
  return value;
}

export interface AuditRecord {
  apiPath: string;
  errcode: number;
  latencyMs: number;
  memberId: string | null;
  params: unknown;
}

export interface AuditEntry {
  id: string;
  at: string;
  apiPath: string;
  errcode: number;
  latencyMs: number;
  memberId: string | null;
  params: string;
}

interface Row {
  id: number;
  at: string;
  api_path: string;
  errcode: number;
  latency_ms: number;
  member_id: string | null;
  params: string;
}

const toEntry = (r: Row): AuditEntry => ({
  id: String(r.id),
  at: r.at,
  apiPath: r.api_path,
  errcode: r.errcode,
  latencyMs: r.latency_ms,
  memberId: r.member_id,
  params: r.params,
});

export class AuditLog {
  private readonly insert;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.insert = db.prepare('INSERT INTO audit_log (at, api_path, errcode, latency_ms, member_id, params) VALUES (?, ?, ?, ?, ?, ?)');
  }

  record(entry: AuditRecord): void {
    this.insert.run(
      this.now().toISOString(),
      entry.apiPath,
      entry.errcode,
      Math.round(entry.latencyMs * 10) / 10,
      entry.memberId,
      JSON.stringify(desensitize(entry.params ?? {})),
    );
  }

  /** Newest first. */
  list(limit: number, offset: number): { items: AuditEntry[]; total: number } {
    const items = this.db.prepare<[number, number], Row>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset).map(toEntry);
    const { n } = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log').get()!;
    return { items, total: n };
  }

  count(apiPath?: string): number {
    const row = apiPath
      ? this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM audit_log WHERE api_path = ?').get(apiPath)
      : this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log').get();
    return row!.n;
  }

  /** Every row (newest first) as CSV: UTF-8 with a BOM so Excel reads Chinese, CRLF line ends, formulas defused. */
  csv(): string {
    const header = ['id', 'time', 'api_path', 'errcode', 'latency_ms', 'member_id', 'params'];
    const lines = [header.join(',')];
    for (const r of this.db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY id DESC').iterate()) {
      lines.push([r.id, r.at, r.api_path, r.errcode, r.latency_ms, r.member_id ?? '', r.params].map(csvCell).join(','));
    }
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }
}

/** Quotes a CSV cell when needed; a text cell starting like a formula gets a leading ' so Excel shows it as text. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
