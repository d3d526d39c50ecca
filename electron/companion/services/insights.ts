/**
 * What the studio keeps offline (issue 10, "Back into the studio"): the newest orders, per-course sales with buyers,
 * the team, the newest events, and the facts funnels count — scans and follows through our parametric QR codes (with
 * the scene's owner), unfollows, and purchases with their times and amounts. One read, so the studio's cache is a
 * consistent picture of one moment.
 */
import type Database from 'better-sqlite3';
import { INSIGHTS_LIMITS, maskOpenid, type CourseSales, type FunnelFact } from '../../../shared/companion/api';
import type { OrderQueries } from './pay/order-queries';
import type { EventService } from './events';
import type { TeamService } from './team';

interface FactEventRow {
  id: string;
  received_at: string;
  create_time: number;
  event: string;
  from_user: string;
  scene_str: string | null;
  owner_kind: string | null;
  owner_id: string | null;
}

interface PurchaseRow {
  out_trade_no: string;
  paid_at: string;
  total_fen: number;
  payer_openid: string | null;
  course_ids: string;
}

const FACT_KIND: Record<string, FunnelFact['kind']> = { SCAN: 'scan', subscribe: 'follow', unsubscribe: 'unfollow' };

export class InsightsService {
  constructor(
    private readonly deps: { db: Database.Database; queries: OrderQueries; events: EventService; team: TeamService; now: () => Date },
  ) {}

  get() {
    const { db, queries, events, team } = this.deps;
    return {
      generatedAt: this.deps.now().toISOString(),
      orders: queries.list({}, INSIGHTS_LIMITS.orders, 0).items,
      sales: this.sales(),
      // Avatars point at WeChat's servers and are of no use offline; the studio shows initials instead.
      members: team.listMembers().map((m) => (m.wechat ? { ...m, wechat: { ...m.wechat, avatarUrl: '' } } : m)),
      events: events.list({ limit: INSIGHTS_LIMITS.events, offset: 0 }).items,
      facts: this.facts(db),
    };
  }

  private sales(): CourseSales[] {
    const { db, queries } = this.deps;
    const extra = new Map(
      db
        .prepare<[], { course_id: string; buyers: number; last_paid_at: string | null }>(
          `SELECT e.course_id, count(DISTINCT e.openid) AS buyers, max(o.paid_at) AS last_paid_at
             FROM enrolments e JOIN pay_orders o ON o.out_trade_no = e.out_trade_no
            WHERE e.revoked_at IS NULL GROUP BY e.course_id`,
        )
        .all()
        .map((r) => [r.course_id, r]),
    );
    return queries.revenue({}).map((r) => ({ ...r, buyers: extra.get(r.courseId)?.buyers ?? 0, lastPaidAt: extra.get(r.courseId)?.last_paid_at ?? null }));
  }

  private facts(db: Database.Database): FunnelFact[] {
    const events = db
      .prepare<[number], FactEventRow>(
        `SELECT e.id, e.received_at, e.create_time, e.event, e.from_user, e.scene_str, s.owner_kind, s.owner_id
           FROM events e LEFT JOIN scenes s ON s.scene_str = e.scene_str
          WHERE e.msg_type = 'event' AND e.event IN ('SCAN', 'subscribe', 'unsubscribe')
          ORDER BY e.received_at DESC LIMIT ?`,
      )
      .all(INSIGHTS_LIMITS.facts);
    const purchases = db
      .prepare<[number], PurchaseRow>(
        `SELECT o.out_trade_no, o.paid_at, o.total_fen, o.payer_openid,
                (SELECT json_group_array(i.course_id) FROM pay_order_items i WHERE i.out_trade_no = o.out_trade_no) AS course_ids
           FROM pay_orders o WHERE o.paid_at IS NOT NULL ORDER BY o.paid_at DESC LIMIT ?`,
      )
      .all(INSIGHTS_LIMITS.facts);
    const facts: FunnelFact[] = [
      ...events.map((e) => ({
        id: e.id,
        // When the user acted (CreateTime), not when the push arrived: retries and queues would skew funnels.
        at: new Date(e.create_time * 1000).toISOString(),
        kind: FACT_KIND[e.event]!,
        sceneStr: e.scene_str,
        owner: e.owner_kind ? `${e.owner_kind}:${e.owner_id}` : null,
        courseIds: [],
        amountFen: null,
        openidMasked: maskOpenid(e.from_user),
      })),
      ...purchases.map((p) => ({
        id: p.out_trade_no,
        at: p.paid_at,
        kind: 'purchase' as const,
        sceneStr: null,
        owner: null,
        courseIds: JSON.parse(p.course_ids) as string[],
        amountFen: p.total_fen,
        openidMasked: p.payer_openid ? maskOpenid(p.payer_openid) : '',
      })),
    ];
    return facts.sort((a, b) => b.at.localeCompare(a.at));
  }
}
