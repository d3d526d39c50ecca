/**
 * Team sync, the desktop's side (issue 10; design in docs/features.md "Sync"). Synced rows are courses (with their
 * outline) and lesson bodies; `sync_rows` keeps each one's base version, dirty flag, change id and tombstone, written
 * by the course and body services' hooks inside their own transactions.
 *
 * One cycle: push every dirty row with the version it was based on (the outbox), then pull the change feed from the
 * cursor into `sync_inbox` and apply it. A pulled row never touches a row changed here: when both sides changed, both
 * versions are kept in `sync_conflicts` and the creator chooses. Applying a row first stores a 'beforeSync' version of
 * what it replaces, so even the creator's choice of "theirs" loses nothing.
 *
 * In the app two lanes run in the background: pushes shortly after every local change, and a long-polling pull, so a
 * save shows on another desktop about one round trip later. Failures back off exponentially with jitter.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  SYNC_LIMITS,
  type SyncData,
  type SyncKind,
  type SyncPushItem,
  type SyncPushResult,
  type SyncRow,
} from '../../../shared/companion/api';
import { StudioError, type SyncChoice, type SyncConflict, type SyncConflictSide, type SyncStatus } from '../../../shared/contract/index';
import { COURSE_LIMITS, type Chapter, type Course } from '../../../shared/domain/course';
import type { CompanionLink } from '../companion-link/companion-link';
import type { CourseService } from './courses';
import type { LessonBodyService } from './lesson-bodies';
import type { LessonBodyVersionService } from './lesson-body-versions';
import type { SearchIndex } from './search';
import type { VersionService } from './versions';
import type { SyncMedia } from './sync-media';
import type { CoverCrops } from '../../../shared/preview/crop';

/** The companion's sync routes as this service uses them (the companion link in the app). */
export interface SyncRemote {
  push(items: SyncPushItem[]): Promise<SyncPushResult[]>;
  pull(since: number, limit: number, waitMs: number): Promise<{ changes: SyncRow[]; cursor: number; more: boolean }>;
}

export interface SyncServiceDeps {
  courses: CourseService;
  lessonBodies: LessonBodyService;
  versions: VersionService;
  lessonVersions: LessonBodyVersionService;
  /** The search index the services' hooks update: held back while a batch of pulled rows is applied. */
  search?: Pick<SearchIndex, 'deferUpdates' | 'deferredMark' | 'discardDeferred' | 'flushDeferred' | 'dropDeferred'>;
}

export interface SyncOptions {
  /** The companion to sync with; null when none is configured (state `off`). */
  remote: () => SyncRemote | null;
  now: () => Date;
  log: (line: string) => void;
  /** Every status change (the host emits `sync.progressed`). */
  progressed: (status: SyncStatus) => void;
  /** Courses whose rows were applied from the team (the host emits `courses.changed`). */
  applied: (courseIds: string[]) => void;
  /** Jitter source for backoff (tests pass a seeded one). */
  random?: () => number;
  backoff?: { baseMs: number; maxMs: number };
  /** How long an idle pull waits for a change (long poll). */
  longPollMs?: number;
  /** Rows per push and pull request. */
  batch?: number;
}

/** What a course row holds on the wire: the document without the local editing version and timestamps. */
type CourseData = Omit<Course, 'id' | 'version' | 'updatedAt'>;

interface LocalRow {
  kind: SyncKind;
  id: string;
  course_id: string;
  synced_version: number;
  dirty: number;
  conflict: number;
  change_id: string;
  deleted_at: string | null;
}

interface ConflictRecord {
  id: number;
  kind: SyncKind;
  row_id: string;
  course_id: string;
  remote_version: number;
  remote_data: string | null;
  remote_deleted: number;
  remote_change_id: string;
  remote_updated_at: string;
  remote_updated_by: string | null;
  reason: string | null;
  created_at: string;
}

interface LocalSide {
  deleted: boolean;
  data: SyncData | null;
}

const COPY_SUFFIX = '（冲突副本）';
/** Pulled rows applied per transaction. */
const APPLY_BATCH = 200;
const newChangeId = () => randomBytes(16).toString('hex');

function courseData(course: Course): CourseData {
  const { id: _id, version: _version, updatedAt: _updatedAt, ...data } = course;
  return data;
}

/** Same content on both sides: nothing for the creator to choose between. */
function sameContent(a: LocalSide, remote: { deleted: boolean; data: SyncData | null }): boolean {
  if (a.deleted || remote.deleted) return a.deleted && remote.deleted;
  return JSON.stringify(a.data) === JSON.stringify(remote.data);
}

export class SyncService {
  private deps: SyncServiceDeps | null = null;
  private readonly stmt;
  /** True while rows from the team are written: the services' hooks must not mark them as local changes. */
  private applying = false;
  private offline = false;
  private error: string | null = null;
  private progress: SyncStatus['progress'] = null;
  private lastSyncedAt: string | null = null;
  private running = false;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private pushTimer: NodeJS.Timeout | null = null;
  private pushFailures = 0;
  private pullFailures = 0;
  private readonly random: () => number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly batch: number;
  private sleepers = new Set<() => void>();
  /** Media files travelling with the rows (sync-media.ts); set by the host once the media library exists. */
  private media: SyncMedia | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SyncOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.batch = Math.min(options.batch ?? 200, SYNC_LIMITS.pushItems);
    this.stmt = {
      row: db.prepare<[string, string], LocalRow>('SELECT * FROM sync_rows WHERE kind = ? AND id = ?'),
      markDirty: db.prepare(
        `INSERT INTO sync_rows (kind, id, course_id, synced_version, dirty, conflict, change_id, deleted_at, updated_at)
         VALUES (@kind, @id, @courseId, 0, 1, 0, @changeId, @deletedAt, @now)
         ON CONFLICT (kind, id) DO UPDATE SET dirty = 1, change_id = excluded.change_id, deleted_at = excluded.deleted_at,
           updated_at = excluded.updated_at`,
      ),
      markSynced: db.prepare(
        `INSERT INTO sync_rows (kind, id, course_id, synced_version, dirty, conflict, change_id, deleted_at, updated_at)
         VALUES (@kind, @id, @courseId, @version, 0, 0, @changeId, @deletedAt, @now)
         ON CONFLICT (kind, id) DO UPDATE SET course_id = excluded.course_id, synced_version = excluded.synced_version,
           dirty = 0, conflict = 0, change_id = excluded.change_id, deleted_at = excluded.deleted_at, updated_at = excluded.updated_at`,
      ),
      // Accepted: in step at `version`, and clean unless the row changed again while the push was on its way.
      accepted: db.prepare(
        `UPDATE sync_rows SET synced_version = max(synced_version, @version), dirty = CASE WHEN change_id = @changeId THEN 0 ELSE dirty END
          WHERE kind = @kind AND id = @id`,
      ),
      outbox: db.prepare<[number], LocalRow>('SELECT * FROM sync_rows WHERE dirty = 1 AND conflict = 0 ORDER BY kind, id LIMIT ?'),
      pending: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_rows WHERE dirty = 1 AND conflict = 0'),
      openConflicts: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL'),
      conflictList: db.prepare<[], ConflictRecord>('SELECT * FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY id'),
      conflict: db.prepare<[number], ConflictRecord>('SELECT * FROM sync_conflicts WHERE id = ? AND resolved_at IS NULL'),
      upsertConflict: db.prepare(
        `INSERT INTO sync_conflicts (kind, row_id, course_id, local_data, local_deleted, remote_version, remote_data, remote_deleted,
           remote_change_id, remote_updated_at, remote_updated_by, reason, created_at)
         VALUES (@kind, @rowId, @courseId, @localData, @localDeleted, @remoteVersion, @remoteData, @remoteDeleted, @remoteChangeId,
           @remoteUpdatedAt, @remoteUpdatedBy, @reason, @now)
         ON CONFLICT (kind, row_id) WHERE resolved_at IS NULL DO UPDATE SET local_data = excluded.local_data,
           local_deleted = excluded.local_deleted, remote_version = excluded.remote_version, remote_data = excluded.remote_data,
           remote_deleted = excluded.remote_deleted, remote_change_id = excluded.remote_change_id,
           remote_updated_at = excluded.remote_updated_at, remote_updated_by = excluded.remote_updated_by, reason = excluded.reason
         WHERE excluded.remote_version >= sync_conflicts.remote_version`,
      ),
      setConflict: db.prepare('UPDATE sync_rows SET conflict = 1 WHERE kind = ? AND id = ?'),
      settle: db.prepare('UPDATE sync_conflicts SET resolved_at = ?, resolution = ? WHERE id = ?'),
      keepMine: db.prepare('UPDATE sync_rows SET synced_version = ?, conflict = 0, dirty = 1, change_id = ? WHERE kind = ? AND id = ?'),
      cursor: db.prepare<[], { value: string }>("SELECT value FROM sync_state WHERE key = 'cursor'"),
      // max(): two pulls in flight at once (the long poll and `sync.now`) may finish in either order.
      setCursor: db.prepare(
        `INSERT INTO sync_state (key, value) VALUES ('cursor', @cursor)
         ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
      ),
      toInbox: db.prepare(
        `INSERT INTO sync_inbox (kind, id, course_id, version, row) VALUES (@kind, @id, @courseId, @version, @row)
         ON CONFLICT (kind, id) DO UPDATE SET course_id = excluded.course_id, version = excluded.version, row = excluded.row
         WHERE excluded.version > sync_inbox.version`,
      ),
      // Courses first: a body waits for its course.
      inbox: db.prepare<[], { row: string }>("SELECT row FROM sync_inbox ORDER BY kind = 'course' DESC, version"),
      inboxDone: db.prepare('DELETE FROM sync_inbox WHERE kind = ? AND id = ? AND version = ?'),
      courseRow: db.prepare<[string], { version: number; deleted_at: string | null }>('SELECT version, deleted_at FROM courses WHERE id = ?'),
      mediaKnown: db.prepare<[string], { hash: string }>('SELECT hash FROM media WHERE hash = ?'),
    };
  }

  /** Wired by the host once the services exist (they call this service's hooks, and it calls them). */
  connect(deps: SyncServiceDeps): void {
    this.deps = deps;
  }

  attachMedia(media: SyncMedia): void {
    this.media = media;
  }

  /**
   * A cover left off a course applied from the team has arrived: put on as the team's, unless the course changed here
   * since (then this desktop's version is what goes out, carrying the cover anyway: `withArrivingCover`).
   */
  coverArrived(courseId: string, hash: string, crops: CoverCrops | null): void {
    const row = this.stmt.row.get('course', courseId);
    const stored = this.stmt.courseRow.get(courseId);
    if (!row || row.dirty || row.conflict || !stored || stored.deleted_at) return;
    const course = this.s.courses.get(courseId);
    if (course.coverHash !== null) return;
    this.withApplying(() =>
      this.db
        .transaction(() => this.s.courses.save({ ...course, baseVersion: course.version, coverHash: hash, ...(crops ? { coverCrops: crops } : {}) }, { fromSync: true }))
        .immediate(),
    );
    this.options.applied([courseId]);
  }

  private get s(): SyncServiceDeps {
    if (!this.deps) throw new Error('SyncService used before connect()');
    return this.deps;
  }

  // ── hooks: inside the services' transactions ───────────────────────────────────────────────────────────────────

  /** CourseService: a course was created or saved here. */
  courseWritten(courseId: string): void {
    this.markDirty('course', courseId, courseId, null);
  }

  /** CourseService: a course was moved to the trash (a tombstone to push) or restored. */
  courseTrashed(courseId: string, deleted: boolean): void {
    this.markDirty('course', courseId, courseId, deleted ? this.options.now().toISOString() : null);
  }

  /** LessonBodyService: a lesson's body was saved here. */
  bodyWritten(courseId: string, lessonId: string): void {
    this.markDirty('lessonBody', lessonId, courseId, null);
  }

  private markDirty(kind: SyncKind, id: string, courseId: string, deletedAt: string | null): void {
    if (this.applying) return;
    this.stmt.markDirty.run({ kind, id, courseId, changeId: newChangeId(), deletedAt, now: this.options.now().toISOString() });
    // After the caller's transaction commits (a timer, never inside it): the change goes out shortly.
    if (this.running) this.schedulePush(15);
  }

  // ── status ─────────────────────────────────────────────────────────────────────────────────────────────────────

  status(): SyncStatus {
    const pending = this.stmt.pending.get()!.n;
    const conflicts = this.stmt.openConflicts.get()!.n;
    let state: SyncStatus['state'];
    if (!this.options.remote()) state = 'off';
    else if (this.offline) state = 'offline';
    // Changes waiting count as syncing even after a refusal (a viewer's): the error says why they wait.
    else if (this.progress || pending > 0) state = 'syncing';
    else if (conflicts > 0) state = 'conflicts';
    else state = 'synced';
    return { state, pending, conflicts, progress: this.progress, lastSyncedAt: this.lastSyncedAt, error: this.error };
  }

  private emit(): void {
    this.options.progressed(this.status());
  }

  private failed(error: unknown): void {
    this.offline = error instanceof StudioError && error.code === 'COMPANION_UNAVAILABLE';
    this.error = error instanceof Error ? error.message : String(error);
    this.progress = null;
    this.emit();
  }

  private succeeded(): void {
    this.offline = false;
    this.error = null;
    this.progress = null;
    this.lastSyncedAt = this.options.now().toISOString();
  }

  // ── one cycle ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Pushes the outbox, then pulls and applies until caught up. Failures are reported in the status, not thrown. */
  async syncNow(): Promise<SyncStatus> {
    const remote = this.options.remote();
    if (!remote) return this.status();
    let pushError: unknown = null;
    try {
      await this.pushAll(remote);
    } catch (error) {
      // Pull anyway: a desktop whose pushes are refused (a viewer's) or fail still learns the team's changes.
      pushError = error;
    }
    try {
      await this.pullAll(remote, 0);
    } catch (error) {
      this.failed(error);
      return this.status();
    }
    // Files the pulled rows name, never at the cost of the rows (applied already). With the background lanes running,
    // the media lane fetches them (with its own retries); otherwise this call waits for them.
    if (!this.running) await this.media?.fetchWanted().catch((error: unknown) => this.options.log(`sync: media download failed (${(error as Error).message})`));
    if (pushError) this.failed(pushError);
    else {
      this.succeeded();
      this.emit();
    }
    return this.status();
  }

  /** One push of the whole outbox at a time; a second caller waits for it and then pushes what is left. */
  private async pushAll(remote: SyncRemote): Promise<void> {
    while (this.pushing) await this.pushing.catch(() => {});
    const run = this.pushOutbox(remote);
    this.pushing = run;
    try {
      await run;
    } finally {
      this.pushing = null;
    }
  }

  private async pushOutbox(remote: SyncRemote): Promise<void> {
    const total = this.stmt.pending.get()!.n;
    if (total === 0) return;
    let done = 0;
    this.progress = { phase: 'push', done, total };
    this.emit();
    for (;;) {
      const rows = this.stmt.outbox.all(this.batch);
      if (rows.length === 0) break;
      const items: SyncPushItem[] = [];
      let bytes = 0;
      for (const row of rows) {
        const item = this.pushItem(row);
        const size = JSON.stringify(item).length;
        // One item always goes, however large; more only while the request stays under the companion's limit.
        if (items.length > 0 && bytes + size > SYNC_LIMITS.pushBytes) break;
        items.push(item);
        bytes += size;
      }
      // The files a row names reach the companion before the row does, so no desktop learns of a file it cannot fetch.
      if (this.media) await this.media.beforePush(items);
      const results = await remote.push(items);
      let settled = 0;
      this.db
        .transaction(() => {
          for (const result of results) {
            if (result.status === 'accepted') {
              settled += this.stmt.accepted.run({ kind: result.kind, id: result.id, version: result.version, changeId: result.changeId }).changes;
            } else {
              this.recordConflict(result.current, null);
              settled += 1;
            }
          }
        })
        .immediate();
      done += items.length;
      this.progress = { phase: 'push', done: Math.min(done, total), total: Math.max(total, done) };
      this.emit();
      // Rows edited again while their push was on its way stay dirty and go in the next round; a round that settled
      // nothing would only repeat itself.
      if (settled === 0) break;
    }
    this.progress = null;
  }

  private pushItem(row: LocalRow): SyncPushItem {
    const local = this.readLocal(row.kind, row.id);
    return {
      kind: row.kind,
      id: row.id,
      courseId: row.course_id,
      baseVersion: row.synced_version,
      changeId: row.change_id,
      deleted: local.deleted,
      data: this.media ? this.media.withArrivingCover(row.kind, row.id, local.data) : local.data,
      updatedAt: row.deleted_at ?? this.options.now().toISOString(),
    };
  }

  /** The row as it is here now: the course document or the body, or a deletion. */
  private readLocal(kind: SyncKind, id: string): LocalSide {
    if (kind === 'course') {
      const stored = this.stmt.courseRow.get(id);
      if (!stored || stored.deleted_at) return { deleted: true, data: null };
      return { deleted: false, data: courseData(this.s.courses.get(id)) as unknown as SyncData };
    }
    const body = this.s.lessonBodies.storedHtml(id);
    return body ? { deleted: false, data: { html: body.html } } : { deleted: true, data: null };
  }

  private async pullAll(remote: SyncRemote, waitMs: number): Promise<number> {
    let pulled = 0;
    for (;;) {
      const since = Number(this.stmt.cursor.get()?.value ?? 0);
      const page = await remote.pull(since, this.batch * 2, waitMs);
      if (page.changes.length > 0 || page.more) {
        if (!this.progress || this.progress.phase !== 'pull') this.progress = { phase: 'pull', done: 0, total: 0 };
        this.progress = { phase: 'pull', done: this.progress.done + page.changes.length, total: this.progress.done + page.changes.length + (page.more ? this.batch * 2 : 0) };
      }
      this.db
        .transaction(() => {
          for (const row of page.changes) {
            this.stmt.toInbox.run({ kind: row.kind, id: row.id, courseId: row.courseId, version: row.version, row: JSON.stringify(row) });
          }
          this.stmt.setCursor.run({ cursor: String(page.cursor) });
        })
        .immediate();
      pulled += page.changes.length;
      this.applyInbox();
      this.media?.afterPull(page.changes);
      if (page.changes.length > 0) this.emit();
      if (!page.more) break;
      waitMs = 0;
    }
    if (this.progress?.phase === 'pull') this.progress = null;
    return pulled;
  }

  // ── applying the team's rows ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Applies every inbox row that can be applied now, `APPLY_BATCH` rows per IMMEDIATE transaction: each batch's writes,
   * their search index updates and the removal of its rows from the inbox commit together, so a desktop killed
   * mid-way keeps every batch before and finds the rest still in the inbox (the cursor moved when they arrived there).
   * Bounded batches keep each write lock short for the app's own saves.
   */
  applyInbox(): void {
    const rows = this.stmt.inbox.all().map((r) => JSON.parse(r.row) as SyncRow);
    const touched = new Set<string>();
    const search = this.deps?.search;
    try {
      for (let i = 0; i < rows.length; i += APPLY_BATCH) {
        const batch = rows.slice(i, i + APPLY_BATCH);
        const applied = this.db
          .transaction(() => {
            const courseIds: string[] = [];
            search?.deferUpdates();
            try {
              for (const row of batch) {
                const outcome = this.applyOne(row);
                if (outcome === 'wait') continue;
                this.stmt.inboxDone.run(row.kind, row.id, row.version);
                if (outcome === 'applied') courseIds.push(row.courseId);
              }
              search?.flushDeferred();
            } catch (error) {
              search?.dropDeferred();
              throw error;
            }
            return courseIds;
          })
          .immediate();
        for (const id of applied) touched.add(id);
      }
    } finally {
      if (touched.size > 0) this.options.applied([...touched]);
    }
  }

  private applyOne(remote: SyncRow): 'applied' | 'skipped' | 'wait' {
    const local = this.stmt.row.get(remote.kind, remote.id);
    if (local && local.synced_version >= remote.version) return 'skipped';
    // Our own write coming back through the feed, possibly before the answer to its push: in step, and clean unless
    // the row changed again since.
    if (local && local.change_id === remote.changeId) {
      this.stmt.accepted.run({ kind: remote.kind, id: remote.id, version: remote.version, changeId: remote.changeId });
      return 'skipped';
    }
    const theirs = { deleted: remote.deletedAt !== null, data: remote.data };
    if (local && (local.dirty || local.conflict)) {
      const mine = this.readLocal(remote.kind, remote.id);
      if (!local.conflict && sameContent(mine, theirs)) {
        this.markSynced(remote);
        return 'skipped';
      }
      this.recordConflict(remote, null);
      return 'skipped';
    }
    if (remote.kind === 'lessonBody' && !this.stmt.courseRow.get(remote.courseId)) return 'wait';
    const indexed = this.deps?.search?.deferredMark() ?? 0;
    try {
      this.withApplying(() => this.db.transaction(() => this.write(remote)).immediate());
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      // Its savepoint was rolled back: so are the index updates it logged.
      this.deps?.search?.discardDeferred(indexed);
      // A row this workspace cannot take as it is (e.g. it needs media that has not arrived): nothing is applied and
      // nothing dropped; the creator sees it with the reason beside what this desktop has.
      this.recordConflict(remote, error.message);
      return 'skipped';
    }
    this.markSynced(remote);
    return 'applied';
  }

  private withApplying<T>(fn: () => T): T {
    const was = this.applying;
    this.applying = true;
    try {
      return fn();
    } finally {
      this.applying = was;
    }
  }

  private markSynced(remote: Pick<SyncRow, 'kind' | 'id' | 'courseId' | 'version' | 'changeId' | 'deletedAt'>): void {
    this.stmt.markSynced.run({
      kind: remote.kind,
      id: remote.id,
      courseId: remote.courseId,
      version: remote.version,
      changeId: remote.changeId,
      deletedAt: remote.deletedAt,
      now: this.options.now().toISOString(),
    });
  }

  /** Writes the team's version of a row here, after a 'beforeSync' version of what it replaces. */
  private write(remote: Pick<SyncRow, 'kind' | 'id' | 'courseId' | 'data' | 'deletedAt'>): void {
    if (remote.kind === 'course') {
      const stored = this.stmt.courseRow.get(remote.id);
      if (remote.deletedAt !== null || !remote.data) {
        if (stored && !stored.deleted_at) {
          this.s.versions.snapshotCourse(remote.id, 'beforeSync');
          this.s.courses.delete(remote.id);
        }
        return;
      }
      this.writeCourse(remote.id, remote.data as unknown as CourseData, stored ?? null);
      return;
    }
    if (remote.deletedAt !== null || !remote.data) return;
    const html = String((remote.data as { html?: unknown }).html ?? '');
    const stored = this.s.lessonBodies.storedHtml(remote.id);
    if (stored && stored.html === html) return;
    if (stored) {
      try {
        this.s.lessonVersions.snapshotBody(remote.courseId, remote.id, 'beforeSync');
      } catch (error) {
        // A body of a lesson no longer in the local outline has no history view to snapshot into; it is kept as is.
        if (!(error instanceof StudioError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    this.s.lessonBodies.writeSynced(remote.courseId, remote.id, html);
  }

  private writeCourse(id: string, data: CourseData, stored: { version: number; deleted_at: string | null } | null): void {
    // Media travel apart from sync: a cover this workspace does not have yet is left off until it arrives.
    const coverKnown = data.coverHash !== null && this.stmt.mediaKnown.get(data.coverHash) !== undefined;
    const fields = {
      title: data.title,
      type: data.type,
      priceFen: data.priceFen,
      summary: data.summary,
      coverHash: coverKnown ? data.coverHash : null,
      ...(coverKnown ? { coverCrops: data.coverCrops } : {}),
      typeDetails: data.typeDetails,
      chapters: data.chapters,
    };
    if (!stored) {
      // New here: replaces nothing (no 'beforeSync' version), so it is inserted in one pass, with the same checks.
      this.s.courses.insertSynced({ id, createdAt: data.createdAt, ...fields });
      return;
    }
    if (stored.deleted_at) this.s.courses.restore(id);
    else this.s.versions.snapshotCourse(id, 'beforeSync');
    const baseVersion = this.stmt.courseRow.get(id)!.version;
    this.s.courses.save({ id, baseVersion, ...fields }, { fromSync: true });
  }

  private recordConflict(remote: SyncRow, reason: string | null): void {
    const mine = this.readLocal(remote.kind, remote.id);
    this.stmt.upsertConflict.run({
      kind: remote.kind,
      rowId: remote.id,
      courseId: remote.courseId,
      localData: mine.data ? JSON.stringify(mine.data) : null,
      localDeleted: mine.deleted ? 1 : 0,
      remoteVersion: remote.version,
      remoteData: remote.data ? JSON.stringify(remote.data) : null,
      remoteDeleted: remote.deletedAt !== null ? 1 : 0,
      remoteChangeId: remote.changeId,
      remoteUpdatedAt: remote.deletedAt ?? remote.updatedAt,
      remoteUpdatedBy: remote.updatedBy?.name ?? null,
      reason,
      now: this.options.now().toISOString(),
    });
    // A row the companion never saw but we have not either (reason set, nothing local): still held for the creator.
    if (!this.stmt.row.get(remote.kind, remote.id)) {
      this.stmt.markDirty.run({ kind: remote.kind, id: remote.id, courseId: remote.courseId, changeId: newChangeId(), deletedAt: null, now: this.options.now().toISOString() });
    }
    this.stmt.setConflict.run(remote.kind, remote.id);
  }

  // ── conflicts ──────────────────────────────────────────────────────────────────────────────────────────────────

  conflicts(): SyncConflict[] {
    return this.stmt.conflictList.all().map((c) => this.describe(c));
  }

  private describe(c: ConflictRecord): SyncConflict {
    const mine = this.readLocal(c.kind, c.row_id);
    const remoteData = c.remote_data ? (JSON.parse(c.remote_data) as SyncData) : null;
    const side = (deleted: boolean, data: SyncData | null): SyncConflictSide => ({
      deleted,
      course: c.kind === 'course' && data ? (data as SyncConflictSide['course']) : null,
      html: c.kind === 'lessonBody' && data ? String((data as { html?: unknown }).html ?? '') : null,
    });
    let courseTitle = '';
    let lessonTitle: string | null = null;
    const stored = this.stmt.courseRow.get(c.course_id);
    const outline: CourseData | null =
      stored && !stored.deleted_at ? courseData(this.s.courses.get(c.course_id)) : c.kind === 'course' ? (remoteData as unknown as CourseData | null) : null;
    if (outline) courseTitle = outline.title;
    if (c.kind === 'lessonBody' && outline) {
      lessonTitle = outline.chapters.flatMap((ch) => ch.lessons).find((l) => l.id === c.row_id)?.title ?? null;
    }
    return {
      id: c.id,
      kind: c.kind,
      courseId: c.course_id,
      lessonId: c.kind === 'lessonBody' ? c.row_id : null,
      courseTitle,
      lessonTitle,
      local: side(mine.deleted, mine.data),
      remote: { ...side(c.remote_deleted === 1, remoteData), updatedBy: c.remote_updated_by, updatedAt: c.remote_updated_at, version: c.remote_version },
      reason: c.reason,
      createdAt: c.created_at,
    };
  }

  /**
   * Settles a conflict. `mine`: this desktop's version is pushed on top of the team's (the next push carries it with
   * the team's version as its base, so it wins unless someone changed the row yet again — a new conflict then).
   * `theirs`: the team's version is written here. `both`: this desktop's version becomes a copy (pushed as a new row),
   * the team's takes its place.
   */
  resolve(id: number, choice: SyncChoice): void {
    const c = this.stmt.conflict.get(id);
    if (!c) throw new StudioError('NOT_FOUND', `No open sync conflict ${id}`);
    const remote = {
      kind: c.kind,
      id: c.row_id,
      courseId: c.course_id,
      version: c.remote_version,
      changeId: c.remote_change_id,
      data: c.remote_data ? (JSON.parse(c.remote_data) as SyncData) : null,
      deletedAt: c.remote_deleted ? c.remote_updated_at : null,
    };
    this.db
      .transaction(() => {
        if (choice === 'mine') {
          this.stmt.keepMine.run(c.remote_version, newChangeId(), c.kind, c.row_id);
        } else {
          const mine = this.readLocal(c.kind, c.row_id);
          if (choice === 'both' && !mine.deleted && mine.data) this.copyOf(c.kind, c.row_id, c.course_id, mine.data);
          this.withApplying(() => this.write(remote));
          this.markSynced(remote);
        }
        this.stmt.settle.run(this.options.now().toISOString(), choice, id);
      })
      .immediate();
    this.options.applied([c.course_id]);
    if (this.running) this.schedulePush(0);
    this.emit();
  }

  /** This desktop's version as a new row: a copy of the course (new ids, bodies copied), or a lesson beside the original. */
  private copyOf(kind: SyncKind, rowId: string, courseId: string, data: SyncData): void {
    const { courses, lessonBodies } = this.s;
    if (kind === 'course') {
      const doc = data as unknown as CourseData;
      const title = `${[...doc.title].slice(0, COURSE_LIMITS.titleMaxChars - COPY_SUFFIX.length).join('')}${COPY_SUFFIX}`;
      const copy = courses.create({ title, type: doc.type, priceFen: doc.priceFen, summary: doc.summary });
      const lessonIds = new Map<string, string>();
      const chapters: Chapter[] = doc.chapters.map((ch) => ({
        ...ch,
        id: randomUUID(),
        lessons: ch.lessons.map((l) => {
          const newId = randomUUID();
          lessonIds.set(l.id, newId);
          return { ...l, id: newId };
        }),
      }));
      courses.save({ id: copy.id, baseVersion: copy.version, title, type: doc.type, priceFen: doc.priceFen, summary: doc.summary, coverHash: null, typeDetails: doc.typeDetails, chapters });
      for (const [from, to] of lessonIds) {
        const body = lessonBodies.storedHtml(from);
        if (body) lessonBodies.writeSynced(copy.id, to, body.html);
      }
      return;
    }
    const lessonId = randomUUID();
    const html = String((data as { html?: unknown }).html ?? '');
    const live = this.stmt.courseRow.get(courseId);
    if (!live || live.deleted_at) {
      // The lesson's course is in the trash here: the copy gets a course of its own rather than a hidden place.
      const copy = courses.create({ title: COPY_SUFFIX, type: 'article', priceFen: 0, summary: '' });
      courses.save({ ...copy, baseVersion: copy.version, chapters: [{ id: randomUUID(), title: COPY_SUFFIX, lessons: [{ id: lessonId, title: COPY_SUFFIX }] }] });
      lessonBodies.writeSynced(copy.id, lessonId, html);
      return;
    }
    const course = courses.get(courseId);
    const chapters = course.chapters.map((ch) => ({ ...ch, lessons: [...ch.lessons] }));
    const home = chapters.find((ch) => ch.lessons.some((l) => l.id === rowId)) ?? chapters[chapters.length - 1];
    const original = home?.lessons.find((l) => l.id === rowId);
    const title = `${[...(original?.title ?? '')].slice(0, COURSE_LIMITS.outlineTitleMaxChars - COPY_SUFFIX.length).join('')}${COPY_SUFFIX}`;
    if (home) home.lessons.splice(original ? home.lessons.indexOf(original) + 1 : home.lessons.length, 0, { id: lessonId, title });
    else chapters.push({ id: randomUUID(), title: COPY_SUFFIX, lessons: [{ id: lessonId, title }] });
    courses.save({ id: course.id, baseVersion: course.version, title: course.title, type: course.type, priceFen: course.priceFen, summary: course.summary, coverHash: course.coverHash, chapters });
    lessonBodies.writeSynced(courseId, lessonId, html);
  }

  // ── background lanes ───────────────────────────────────────────────────────────────────────────────────────────

  /** Starts pushing after local changes and long-polling the feed. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePush(0);
    void this.pullLane();
    this.media?.start();
  }

  /** The companion became reachable (the link says so): retry now instead of at the end of the backoff. */
  wake(): void {
    if (!this.running) return;
    this.pushFailures = 0;
    this.pullFailures = 0;
    this.media?.wake();
    for (const wake of this.sleepers) wake();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    this.schedulePush(0);
  }

  stop(): void {
    this.running = false;
    this.media?.stop();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    for (const wake of this.sleepers) wake();
  }

  private delay(failures: number): number {
    const cap = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(failures, 16));
    // Half fixed, half random: desktops that lost the companion together do not all come back at the same instant.
    return cap / 2 + this.random() * (cap / 2);
  }

  private schedulePush(ms: number): void {
    if (!this.running) return;
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      void this.pushLane();
    }, ms);
  }

  private async pushLane(): Promise<void> {
    const remote = this.options.remote();
    if (!remote || !this.running) return;
    this.pushAgain = false;
    try {
      await this.pushAll(remote);
      this.pushFailures = 0;
      this.succeeded();
      this.emit();
    } catch (error) {
      if (!this.running) return;
      this.failed(error);
      this.options.log(`sync: push failed (${this.error}); retrying`);
      this.schedulePush(this.delay(this.pushFailures++));
      return;
    }
    if (this.pushAgain || this.stmt.pending.get()!.n > 0) this.schedulePush(0);
  }

  private async pullLane(): Promise<void> {
    let caughtUp = false;
    while (this.running) {
      const remote = this.options.remote();
      if (!remote) {
        await this.sleep(1000);
        continue;
      }
      try {
        await this.pullAll(remote, caughtUp ? (this.options.longPollMs ?? SYNC_LIMITS.maxWaitMs) : 0);
        if (!this.running) return;
        caughtUp = true;
        if (this.pullFailures > 0 || this.offline) {
          this.pullFailures = 0;
          // Back online: whatever waited in the outbox goes out now rather than at the end of its backoff.
          if (this.pushTimer) clearTimeout(this.pushTimer);
          this.pushTimer = null;
          this.schedulePush(0);
        }
        if (!this.pushing && this.stmt.pending.get()!.n === 0) {
          this.succeeded();
          this.emit();
        }
      } catch (error) {
        if (!this.running) return;
        caughtUp = false;
        this.failed(error);
        await this.sleep(this.delay(this.pullFailures++));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

/** The sync routes through the companion link (or any client with its `call`). */
export function remoteOver(link: Pick<CompanionLink, 'call'>): SyncRemote {
  return {
    push: async (items) => (await link.call('sync.push', { body: { items } })).results,
    pull: (since, limit, waitMs) => link.call('sync.pull', { query: { since, limit, waitMs } }),
  };
}
