/**
 * The studio's offline copy of the team's data (issue 10, "Back into the studio"): orders, members, events,
 * per-course sales and funnel facts, replaced as a whole by every pull from the companion (one transaction, so a
 * reader never sees half of two pulls) and read when the companion cannot be reached.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { Insights, MethodOutput } from '../../../shared/contract/index';
import type { companionRoutes } from '../../../shared/companion/api';

type Snapshot = z.output<(typeof companionRoutes)['insights.get']['response']>;
type Kind = 'order' | 'member' | 'event' | 'sale' | 'fact';

export class CompanionCache {
  constructor(private readonly db: Database.Database) {}

  /** Replaces the cache with a pull; `meId` is the member this device acts as. */
  replace(snapshot: Snapshot, meId: string): void {
    const insert = this.db.prepare('INSERT INTO companion_cache (kind, id, position, json) VALUES (?, ?, ?, ?)');
    const meta = this.db.prepare('INSERT INTO companion_cache_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM companion_cache').run();
      const put = (kind: Kind, rows: { id: string }[]) => rows.forEach((row, i) => insert.run(kind, row.id, i, JSON.stringify(row)));
      put('order', snapshot.orders.map((o) => ({ ...o, id: o.outTradeNo })));
      put('member', snapshot.members);
      put('event', snapshot.events);
      put('sale', snapshot.sales.map((s) => ({ ...s, id: s.courseId })));
      put('fact', snapshot.facts);
      meta.run('cachedAt', snapshot.generatedAt);
      meta.run('meId', meId);
    })();
  }

  cachedAt(): string | null {
    return this.db.prepare<[], { value: string }>("SELECT value FROM companion_cache_meta WHERE key = 'cachedAt'").get()?.value ?? null;
  }

  private rows<T>(kind: Kind): T[] {
    return this.db
      .prepare<[string], { json: string }>('SELECT json FROM companion_cache WHERE kind = ? ORDER BY position')
      .all(kind)
      .map((r) => {
        const { id: _id, ...rest } = JSON.parse(r.json) as Record<string, unknown>;
        return (kind === 'member' || kind === 'event' || kind === 'fact' ? { id: _id, ...rest } : rest) as T;
      });
  }

  read(): Insights {
    return {
      cachedAt: this.cachedAt(),
      orders: this.rows('order'),
      sales: this.rows('sale'),
      members: this.rows('member'),
      events: this.rows('event'),
      facts: this.rows('fact'),
    };
  }

  /** orders.list from the cache: the same filters (course, state, created from/to) and paging. */
  orders(query: { courseId?: string | undefined; state?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; offset: number }): MethodOutput<'orders.list'> {
    const all = this.read();
    const matching = all.orders.filter(
      (o) =>
        (!query.courseId || o.items.some((i) => i.courseId === query.courseId)) &&
        (!query.state || o.state === query.state) &&
        (!query.from || o.createdAt >= query.from) &&
        (!query.to || o.createdAt <= query.to),
    );
    const revenue = all.sales
      .filter((s) => !query.courseId || s.courseId === query.courseId)
      .map(({ buyers: _b, lastPaidAt: _l, ...r }) => r);
    return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length, revenue, cachedAt: all.cachedAt ?? '' };
  }

  members(): MethodOutput<'team.members'> {
    const meId = this.db.prepare<[], { value: string }>("SELECT value FROM companion_cache_meta WHERE key = 'meId'").get()?.value ?? '';
    return { items: this.read().members, meId, cachedAt: this.cachedAt() ?? '' };
  }

  events(query: { type?: string | undefined; limit: number; offset: number }): MethodOutput<'wechatEvents.list'> {
    const matching = this.read().events.filter((e) => !query.type || (e.event ?? e.msgType).toLowerCase() === query.type.toLowerCase());
    return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length, cachedAt: this.cachedAt() ?? '' };
  }
}
