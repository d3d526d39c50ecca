/**
 * The team: members with roles, the desktops they paired (a device token each, only its SHA-256 stored, revocable)
 * and one-time pairing codes (only their SHA-256 stored, expiring).
 *
 * Three kinds of code: an owner's invite for a named member (`invites.create`), the embedded studio's bootstrap
 * code (handed over on stdin; it makes the first owner, or pairs another desktop of the first owner), and the code
 * `creator-studio companion --invite-owner NAME` prints for a standalone team's owner.
 */
import type Database from 'better-sqlite3';
import { maskOpenid, type Member, type Role } from '../../../shared/companion/api';
import { CompanionError } from '../errors';
import { canonicalCode, deviceToken, humanCode, newId, sha256Hex } from './ids';

export const INVITE_TTL_MS = 24 * 3600_000;
export const BOOTSTRAP_TTL_MS = 15 * 60_000;
/** last_seen_at is written at most this often per device: not one write per request. */
const SEEN_RESOLUTION_MS = 60_000;

export interface Device {
  id: string;
  name: string;
  memberId: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export interface Authenticated {
  device: Device;
  member: Member;
}

interface MemberRow {
  id: string;
  name: string;
  role: Role;
  created_at: string;
  app_id: string | null;
  openid: string | null;
  unionid: string | null;
  nickname: string | null;
  avatar_url: string | null;
  bound_at: string | null;
}

interface DeviceRow {
  id: string;
  name: string;
  member_id: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

interface InviteRow {
  id: string;
  kind: 'invite' | 'bootstrap' | 'cli';
  member_id: string | null;
  role: Role;
  expires_at: string;
  used_at: string | null;
}

const MEMBER_SELECT = `SELECT m.id, m.name, m.role, m.created_at, w.app_id, w.openid, w.unionid, w.nickname, w.avatar_url, w.bound_at
  FROM members m LEFT JOIN wechat_identities w ON w.member_id = m.id`;

export function toMember(r: MemberRow): Member {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: r.created_at,
    wechat:
      r.openid === null
        ? null
        : {
            appId: r.app_id!,
            openidMasked: maskOpenid(r.openid),
            hasUnionid: r.unionid !== null,
            nickname: r.nickname!,
            avatarUrl: r.avatar_url!,
            boundAt: r.bound_at!,
          },
  };
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  name: r.name,
  memberId: r.member_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  revokedAt: r.revoked_at,
});

export class TeamService {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {}

  // ── members ────────────────────────────────────────────────────────────────────────────────────────────────────

  listMembers(): Member[] {
    // rowid breaks ties in joining order: two members made in the same millisecond (a pairing right after another).
    return this.db.prepare<[], MemberRow>(`${MEMBER_SELECT} ORDER BY m.created_at, m.rowid`).all().map(toMember);
  }

  getMember(id: string): Member {
    const row = this.db.prepare<[string], MemberRow>(`${MEMBER_SELECT} WHERE m.id = ?`).get(id);
    if (!row) throw new CompanionError('NOT_FOUND', `No member ${id}`, { memberId: id });
    return toMember(row);
  }

  createMember(name: string, role: Role): string {
    const id = newId();
    this.db.prepare('INSERT INTO members (id, name, role, created_at) VALUES (?, ?, ?, ?)').run(id, name, role, this.now().toISOString());
    return id;
  }

  private ownerCount(): number {
    return this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM members WHERE role = 'owner'").get()!.n;
  }

  setRole(id: string, role: Role): Member {
    return this.db
      .transaction(() => {
        const member = this.getMember(id);
        // A team without an owner could never change a setting or invite anyone again.
        if (member.role === 'owner' && role !== 'owner' && this.ownerCount() === 1) {
          throw new CompanionError('CONFLICT', '团队至少需要一位所有者。 / The team needs at least one owner: make someone else owner first.');
        }
        this.db.prepare('UPDATE members SET role = ? WHERE id = ?').run(role, id);
        return this.getMember(id);
      })
      .immediate();
  }

  unbindWechat(id: string): Member {
    this.getMember(id);
    this.db.prepare('DELETE FROM wechat_identities WHERE member_id = ?').run(id);
    return this.getMember(id);
  }

  // ── devices ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** The device and member behind a bearer token; UNAUTHORIZED when unknown or revoked. */
  authenticate(token: string | null): Authenticated {
    if (!token) throw new CompanionError('UNAUTHORIZED', 'Missing device token (Authorization: Bearer …)');
    const row = this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE token_sha256 = ?').get(sha256Hex(token));
    if (!row) throw new CompanionError('UNAUTHORIZED', 'Unknown device token: pair this device again');
    if (row.revoked_at) throw new CompanionError('UNAUTHORIZED', 'This device was revoked by an owner: pair it again with a new code', { revoked: true });
    const now = this.now();
    if (!row.last_seen_at || now.getTime() - Date.parse(row.last_seen_at) >= SEEN_RESOLUTION_MS) {
      row.last_seen_at = now.toISOString();
      this.db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?').run(row.last_seen_at, row.id);
    }
    return { device: toDevice(row), member: this.getMember(row.member_id) };
  }

  listDevices(): Device[] {
    return this.db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at, rowid').all().map(toDevice);
  }

  revokeDevice(id: string): Device {
    const row = this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?').get(id);
    if (!row) throw new CompanionError('NOT_FOUND', `No device ${id}`, { deviceId: id });
    if (!row.revoked_at) this.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ?').run(this.now().toISOString(), id);
    return toDevice(this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?').get(id)!);
  }

  // ── pairing codes ──────────────────────────────────────────────────────────────────────────────────────────────

  private storeCode(code: string, kind: InviteRow['kind'], memberId: string | null, role: Role, createdBy: string | null, ttlMs: number): string {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    // A code seen before (spent or not) is not registered again: a spent code must stay spent.
    this.db
      .prepare(
        `INSERT INTO invites (id, code_sha256, kind, member_id, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (code_sha256) DO NOTHING`,
      )
      .run(newId(), sha256Hex(code), kind, memberId, role, createdBy, now.toISOString(), expiresAt);
    return expiresAt;
  }

  /** An owner invites someone: the member exists at once (with the chosen role); the code pairs their desktop. */
  createInvite(memberName: string, role: Role, createdBy: string): { code: string; expiresAt: string; memberId: string } {
    return this.db
      .transaction(() => {
        const memberId = this.createMember(memberName, role);
        const code = humanCode();
        const expiresAt = this.storeCode(canonicalCode(code), 'invite', memberId, role, createdBy, INVITE_TTL_MS);
        return { code, expiresAt, memberId };
      })
      .immediate();
  }

  /** The embedded studio's code (exactly as handed over): first owner, or another desktop of the first owner. */
  registerBootstrapCode(code: string): void {
    this.storeCode(code, 'bootstrap', null, 'owner', null, BOOTSTRAP_TTL_MS);
  }

  /**
   * For `--invite-owner NAME` (someone with access to the server): a code for the owner of that name, created if
   * there is none — also the way back in for an owner who lost every device.
   */
  inviteOwnerFromCli(name: string): { code: string; expiresAt: string; memberId: string; created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.db.prepare<[string], { id: string }>("SELECT id FROM members WHERE role = 'owner' AND name = ? ORDER BY created_at LIMIT 1").get(name);
        const memberId = existing?.id ?? this.createMember(name, 'owner');
        const code = humanCode();
        const expiresAt = this.storeCode(canonicalCode(code), 'cli', memberId, 'owner', null, INVITE_TTL_MS);
        return { code, expiresAt, memberId, created: !existing };
      })
      .immediate();
  }

  /** Exchanges a one-time code for a device token. The token is returned once and only its hash is kept. */
  pair(input: { code: string; deviceName: string; memberName?: string | undefined }): { deviceToken: string; device: Device; member: Member } {
    const now = this.now();
    return this.db
      .transaction(() => {
        const find = this.db.prepare<[string], InviteRow>('SELECT id, kind, member_id, role, expires_at, used_at FROM invites WHERE code_sha256 = ?');
        const invite = find.get(sha256Hex(input.code.trim())) ?? find.get(sha256Hex(canonicalCode(input.code)));
        if (!invite || invite.used_at) throw new CompanionError('UNAUTHORIZED', '配对码无效或已使用。 / This pairing code is unknown or was already used.');
        if (Date.parse(invite.expires_at) <= now.getTime()) throw new CompanionError('EXPIRED', '配对码已过期。 / This pairing code has expired: ask for a new one.');

        let memberId = invite.member_id;
        if (!memberId) {
          const firstOwner = this.db.prepare<[], { id: string }>("SELECT id FROM members WHERE role = 'owner' ORDER BY created_at, id LIMIT 1").get();
          memberId = firstOwner?.id ?? this.createMember(input.memberName ?? 'Owner', 'owner');
        }
        const token = deviceToken();
        const deviceId = newId();
        this.db
          .prepare('INSERT INTO devices (id, member_id, name, token_sha256, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(deviceId, memberId, input.deviceName, sha256Hex(token), now.toISOString(), now.toISOString());
        // The code is spent in the same transaction that creates the device: two racing pairs cannot both win.
        this.db.prepare('UPDATE invites SET used_at = ?, used_by_device = ? WHERE id = ?').run(now.toISOString(), deviceId, invite.id);
        const device = toDevice(this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?').get(deviceId)!);
        return { deviceToken: token, device, member: this.getMember(memberId) };
      })
      .immediate();
  }

  /** Drops codes that expired unused (the embedded studio hands over a fresh one at every start). */
  pruneExpiredCodes(): void {
    this.db.prepare('DELETE FROM invites WHERE used_at IS NULL AND expires_at <= ?').run(this.now().toISOString());
  }
}
