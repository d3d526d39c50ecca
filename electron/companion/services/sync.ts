/**
 * The companion's side of team sync: the store of synced rows and its change feed (shared/companion/sync.ts).
 *
 * A push is checked row by row against the version each change was based on, inside one IMMEDIATE transaction, so
 * two desktops pushing the same row at once are serialized: the first wins, the second gets a conflict carrying the
 * first's row. Nothing is ever overwritten on the strength of a stale base version.
 */
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { SyncPushItem, SyncPushResult, SyncRow } from '../../../shared/companion/api';
import type { Member } from '../../../shared/companion/api';

interface RowRecord {
  kind: SyncRow['kind'];
  id: string;
  course_id: string;
  version: number;
  data: string | null;
  updated_at: string;
  deleted_at: string | null;
  updated_by: string | null;
  updated_by_name: string | null;
  change_id: string;
}

function toRow(r: RowRecord): SyncRow {
  return {
    kind: r.kind,
    id: r.id,
    courseId: r.course_id,
    version: r.version,
    data: r.data === null ? null : (JSON.parse(r.data) as SyncRow['data']),
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
    updatedBy: r.updated_by_name === null ? null : { id: r.updated_by ?? '', name: r.updated_by_name },
    changeId: r.change_id,
  };
}

export class SyncService {
  private readonly stmt;
  /** Told after every commit that wrote rows, with the latest version: wakes waiting pulls. */
  private readonly written = new EventEmitter();

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.written.setMaxListeners(0);
    this.stmt = {
      get: db.prepare<[string, string], RowRecord>('SELECT * FROM sync_rows WHERE kind = ? AND id = ?'),
      next: db.prepare<[], { last: number }>('UPDATE sync_sequence SET last = last + 1 WHERE id = 1 RETURNING last'),
      last: db.prepare<[], { last: number }>('SELECT last FROM sync_sequence WHERE id = 1'),
      upsert: db.prepare(
        `INSERT INTO sync_rows (kind, id, course_id, version, data, updated_at, deleted_at, updated_by, updated_by_name, change_id)
         VALUES (@kind, @id, @courseId, @version, @data, @updatedAt, @deletedAt, @updatedBy, @updatedByName, @changeId)
         ON CONFLICT (kind, id) DO UPDATE SET course_id = excluded.course_id, version = excluded.version, data = excluded.data,
           updated_at = excluded.updated_at, deleted_at = excluded.deleted_at, updated_by = excluded.updated_by,
           updated_by_name = excluded.updated_by_name, change_id = excluded.change_id`,
      ),
      applied: db.prepare<[string], { kind: string; id: string; version: number }>('SELECT kind, id, version FROM sync_applied WHERE change_id = ?'),
      remember: db.prepare('INSERT INTO sync_applied (change_id, kind, id, version) VALUES (?, ?, ?, ?)'),
      since: db.prepare<[number, number], RowRecord>('SELECT * FROM sync_rows WHERE version > ? ORDER BY version LIMIT ?'),
    };
  }

  push(items: readonly SyncPushItem[], member: Member): SyncPushResult[] {
    const results = this.db
      .transaction(() =>
        items.map((item): SyncPushResult => {
          // The same change again: its answer was lost on the way back (a killed or unreachable companion, a dropped
          // connection). It was written once; answering "accepted" with the version it got lets the desktop mark it
          // done without a duplicate — and without a false conflict when a teammate has changed the row since.
          const replay = this.stmt.applied.get(item.changeId);
          if (replay && replay.kind === item.kind && replay.id === item.id) {
            return { status: 'accepted', kind: item.kind, id: item.id, changeId: item.changeId, version: replay.version };
          }
          const current = this.stmt.get.get(item.kind, item.id);
          const data = item.deleted ? null : JSON.stringify(item.data ?? {});
          const currentVersion = current?.version ?? 0;
          if (currentVersion !== item.baseVersion) {
            // Both sides ended up with the same thing (two deletions, or the same edit made twice): nothing to choose.
            if (current && current.data === data && (current.deleted_at !== null) === item.deleted) {
              return { status: 'accepted', kind: item.kind, id: item.id, changeId: item.changeId, version: current.version };
            }
            return { status: 'conflict', kind: item.kind, id: item.id, changeId: item.changeId, current: toRow(current ?? this.missing(item)) };
          }
          const version = this.stmt.next.get()!.last;
          this.stmt.upsert.run({
            kind: item.kind,
            id: item.id,
            courseId: item.courseId,
            version,
            data,
            updatedAt: this.now().toISOString(),
            deletedAt: item.deleted ? item.updatedAt : null,
            updatedBy: member.id,
            updatedByName: member.name,
            changeId: item.changeId,
          });
          this.stmt.remember.run(item.changeId, item.kind, item.id, version);
          return { status: 'accepted', kind: item.kind, id: item.id, changeId: item.changeId, version };
        }),
      )
      .immediate();
    if (results.some((r) => r.status === 'accepted')) this.written.emit('written', this.latest());
    return results;
  }

  /**
   * A base version above 0 for a row the companion has never had: the desktop synced with another companion (or
   * one whose data was reset). Answered as a conflict with a tombstone-like placeholder so the creator decides.
   */
  private missing(item: SyncPushItem): RowRecord {
    return {
      kind: item.kind,
      id: item.id,
      course_id: item.courseId,
      version: 1,
      data: null,
      updated_at: item.updatedAt,
      deleted_at: item.updatedAt,
      updated_by: null,
      updated_by_name: null,
      change_id: '',
    };
  }

  latest(): number {
    return this.stmt.last.get()!.last;
  }

  /**
   * Rows written after `since`. Versions are taken inside the writing transaction and SQLite has one writer, so a
   * version becomes visible only after every smaller one has: a cursor never skips a row that commits later.
   */
  async pull(since: number, limit: number, waitMs: number): Promise<{ changes: SyncRow[]; cursor: number; more: boolean }> {
    if (waitMs > 0 && this.latest() <= since) await this.waitFor(since, waitMs);
    const rows = this.stmt.since.all(since, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { changes: page.map(toRow), cursor: page.length ? page[page.length - 1]!.version : since, more };
  }

  private waitFor(since: number, waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.written.off('written', onWrite);
        resolve();
      };
      const onWrite = (latest: number) => {
        if (latest > since) done();
      };
      const timer = setTimeout(done, waitMs);
      this.written.on('written', onWrite);
    });
  }

  /** Releases every waiting pull (the server is closing). */
  stop(): void {
    this.written.emit('written', Number.MAX_SAFE_INTEGER);
  }
}
