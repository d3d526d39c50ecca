/**
 * Parametric QR codes of the official account (wechat-protocols.md §4): each scene string is ours, generated, and
 * belongs to something (a poster, an inviter, a funnel node), so that a scan (SCAN, already a follower) or a follow
 * (subscribe with `qrscene_<scene>`) can be counted for it.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { QR_OWNER_KINDS, sceneSchema } from '../../../shared/companion/api';
import { CompanionError } from '../errors';
import type { WechatClient } from '../wechat/client';
import { base62 } from './ids';

export type Scene = z.infer<typeof sceneSchema>;
type OwnerKind = (typeof QR_OWNER_KINDS)[number];

interface SceneRow {
  scene_str: string;
  owner_kind: OwnerKind;
  owner_id: string;
  permanent: number;
  ticket: string;
  url: string;
  expires_at: string | null;
  scans: number;
  follows: number;
}

const SELECT = `SELECT s.*,
    (SELECT count(*) FROM events e WHERE e.scene_str = s.scene_str AND e.event = 'SCAN') AS scans,
    (SELECT count(*) FROM events e WHERE e.scene_str = s.scene_str AND e.event = 'subscribe') AS follows
  FROM scenes s`;

const toScene = (r: SceneRow): Scene => ({
  sceneStr: r.scene_str,
  ownerKind: r.owner_kind,
  ownerId: r.owner_id,
  permanent: r.permanent === 1,
  ticket: r.ticket,
  url: r.url,
  expiresAt: r.expires_at,
  scans: r.scans,
  follows: r.follows,
});

type SceneOwnerRow = { scene_str: string; owner_kind: string; owner_id: string };

export class SceneService {
  // Prepared once: `find` runs for every pushed event.
  private readonly byKey;
  private readonly byTicket;

  constructor(
    private readonly db: Database.Database,
    private readonly wechat: WechatClient,
    private readonly now: () => Date,
  ) {
    this.byKey = db.prepare<[string], SceneOwnerRow>('SELECT scene_str, owner_kind, owner_id FROM scenes WHERE scene_str = ?');
    this.byTicket = db.prepare<[string], SceneOwnerRow>('SELECT scene_str, owner_kind, owner_id FROM scenes WHERE ticket = ?');
  }

  async create(
    input: { ownerKind: OwnerKind; ownerId: string; permanent: boolean; expireSeconds: number },
    memberId: string | null,
  ): Promise<Scene> {
    // 1–64 characters (§4.1); a prefix by owner kind makes raw events readable.
    const sceneStr = `cs${input.ownerKind[0]}_${base62(20)}`;
    const body = input.permanent
      ? { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: sceneStr } } }
      : { expire_seconds: input.expireSeconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: sceneStr } } };
    const answer = await this.wechat.call<{ ticket?: unknown; url?: unknown; expire_seconds?: unknown }>({
      method: 'POST',
      path: '/cgi-bin/qrcode/create',
      body,
      accessToken: true,
      memberId,
    });
    if (typeof answer.ticket !== 'string' || typeof answer.url !== 'string') {
      throw new CompanionError('WECHAT_ERROR', 'qrcode/create answered without a ticket or url', { errcode: 0, apiPath: '/cgi-bin/qrcode/create' });
    }
    const now = this.now();
    const seconds = Number(answer.expire_seconds ?? input.expireSeconds);
    const expiresAt = input.permanent ? null : new Date(now.getTime() + seconds * 1000).toISOString();
    this.db
      .prepare(
        `INSERT INTO scenes (scene_str, owner_kind, owner_id, permanent, ticket, url, expires_at, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(sceneStr, input.ownerKind, input.ownerId, input.permanent ? 1 : 0, answer.ticket, answer.url, expiresAt, memberId, now.toISOString());
    return this.get(sceneStr);
  }

  get(sceneStr: string): Scene {
    const row = this.db.prepare<[string], SceneRow>(`${SELECT} WHERE s.scene_str = ?`).get(sceneStr);
    if (!row) throw new CompanionError('NOT_FOUND', `No scene ${sceneStr}`, { sceneStr });
    return toScene(row);
  }

  /** The scene an event's EventKey (or, failing that, its Ticket) points at, if it is one of ours. */
  find(eventKey: string | null, ticket: string | null): { sceneStr: string; owner: string } | null {
    const row = (eventKey ? this.byKey.get(eventKey) : undefined) ?? (ticket ? this.byTicket.get(ticket) : undefined);
    return row ? { sceneStr: row.scene_str, owner: `${row.owner_kind}:${row.owner_id}` } : null;
  }
}
