/**
 * Full-text search over the workspace's courses (see migration 0005 for the tables).
 *
 * What is searchable is decided by one function, `searchEntries(course, bodies)`: a course document and its lesson
 * bodies in, the texts to index out, each keyed by what it belongs to. `SearchIndex.update` is called by CourseService
 * inside the transaction of every create and save, and writes only the entries whose text changed, so autosaving one
 * lesson title touches one row; `SearchIndex.updateBody` is called by LessonBodyService inside the transaction of
 * every body save (bodies are saved apart from the course document).
 *
 * Queries: terms of 3+ characters go through the FTS5 trigram index (MATCH, ranked by bm25, highlighted by
 * highlight()); terms of 1–2 characters, which trigrams cannot find, go through `search_grams`, a second FTS5 index
 * of character bigrams (`gramTokens`). In mixed queries the short terms are checked (instr/LIKE) on the rows the
 * trigram index matched.
 */
import type Database from 'better-sqlite3';
import { richTextToText } from '../../../shared/compliance/rich-text';
import type { SearchResult } from '../../../shared/contract/index';
import type { Course } from '../../../shared/domain/course';
import { upgradeBody } from '../../../shared/rich-text/upgrade';
import {
  HIGHLIGHT_CLOSE,
  HIGHLIGHT_OPEN,
  findTerms,
  gramQuery,
  gramTokens,
  parseSearchQuery,
  searchText,
  snippetSegments,
  unmark,
} from '../../../shared/search/query';

export type SearchKind = 'course' | 'chapter' | 'lesson';

export interface SearchEntry {
  kind: SearchKind;
  targetId: string;
  field: string;
  text: string;
}

/** The indexed text of a lesson body: its HTML reduced to text the way the compliance scan reads it. */
export function bodySearchText(html: string): string {
  return html ? searchText(richTextToText(html).text) : '';
}

/**
 * Every searchable text of a course document and its lesson bodies (`bodies`: lesson id → body HTML, for the lessons
 * whose body is wanted; bodies live apart from the document, see LessonBodyService). Extend here when a course gains text.
 */
export function searchEntries(course: Course, bodies: ReadonlyMap<string, string> = new Map()): SearchEntry[] {
  const entries: SearchEntry[] = [
    { kind: 'course', targetId: course.id, field: 'title', text: course.title },
    { kind: 'course', targetId: course.id, field: 'summary', text: course.summary },
  ];
  for (const chapter of course.chapters) {
    entries.push({ kind: 'chapter', targetId: chapter.id, field: 'title', text: chapter.title });
    for (const lesson of chapter.lessons) {
      entries.push({ kind: 'lesson', targetId: lesson.id, field: 'title', text: lesson.title });
      const html = bodies.get(lesson.id);
      if (html) entries.push({ kind: 'lesson', targetId: lesson.id, field: 'body', text: richTextToText(html).text });
    }
  }
  return entries.filter((e) => e.text.length > 0).map((e) => ({ ...e, text: searchText(e.text) }));
}

interface StoredEntry {
  id: number;
  kind: SearchKind;
  target_id: string;
  field: string;
  text: string;
}

interface HitRow {
  course_id: string;
  course_title: string;
  course_type: string;
  kind: SearchKind;
  target_id: string;
  field: string;
  text: string;
}

/** Rows read per query: enough to fill a page of courses with a few hits each. */
const ROWS_PER_QUERY = 300;
const HITS_PER_COURSE = 3;
/** Course title, then summary, then outline: the order of hits within one course. */
const KIND_ORDER: Record<string, number> = { 'course:title': 0, 'course:summary': 1, 'chapter:title': 2, 'lesson:title': 3, 'lesson:body': 4 };

const key = (e: { kind: string; targetId: string; field: string }) => `${e.kind}\u0000${e.targetId}\u0000${e.field}`;
const ftsPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

/** An index update held back while deferred: a course document, or one lesson body's HTML. */
type DeferredUpdate = { course: Course } | { courseId: string; lessonId: string; html: string };

export class SearchIndex {
  private readonly stmt;
  /** While not null, updates are logged here and written by `flushDeferred` (see `deferUpdates`). */
  private deferred: DeferredUpdate[] | null = null;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      entries: db.prepare<[string], StoredEntry>('SELECT id, kind, target_id, field, text FROM search_entries WHERE course_id = ?'),
      bodyEntry: db.prepare<[string, string], StoredEntry>(
        "SELECT id, kind, target_id, field, text FROM search_entries WHERE course_id = ? AND kind = 'lesson' AND target_id = ? AND field = 'body'",
      ),
      bodies: db.prepare<[string], { lesson_id: string; schema_version: number; html: string }>(
        'SELECT lesson_id, schema_version, html FROM lesson_bodies WHERE lesson_id IN (SELECT value FROM json_each(?))',
      ),
      insert: db.prepare<[string, string, string, string, string]>(
        'INSERT INTO search_entries (course_id, kind, target_id, field, text) VALUES (?, ?, ?, ?, ?)',
      ),
      ftsInsert: db.prepare<[number | bigint, string]>('INSERT INTO search_fts (rowid, text) VALUES (?, ?)'),
      gramsInsert: db.prepare<[number | bigint, string]>('INSERT INTO search_grams (rowid, grams) VALUES (?, ?)'),
      gramsDelete: db.prepare<[number]>('DELETE FROM search_grams WHERE rowid = ?'),
      update: db.prepare<[string, number]>('UPDATE search_entries SET text = ? WHERE id = ?'),
      remove: db.prepare<[number]>('DELETE FROM search_entries WHERE id = ?'),
      // External-content FTS5: a row leaves the index by the 'delete' command with the text it was indexed with.
      ftsDelete: db.prepare<[number, string]>("INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', ?, ?)"),
    };
  }

  /**
   * Brings the course's entries in line with its document. Must run inside the transaction that wrote the course.
   * Body entries are written when a body is saved (`updateBody`); here they are kept for lessons still in the course,
   * removed for lessons that left it, and read from `lesson_bodies` only for lessons that have none yet (a new lesson,
   * or one whose deletion was undone) — so an autosave never reduces every body of the course to text again.
   */
  update(course: Course): void {
    if (this.deferred) {
      this.deferred.push({ course });
      return;
    }
    const stored = this.stmt.entries.all(course.id);
    const lessonIds = new Set(course.chapters.flatMap((c) => c.lessons.map((l) => l.id)));
    const indexedBodies = new Set(stored.filter((e) => e.field === 'body' && lessonIds.has(e.target_id)).map((e) => e.target_id));
    const unread = [...lessonIds].filter((id) => !indexedBodies.has(id));
    const bodies = new Map(
      unread.length === 0 ? [] : this.stmt.bodies.all(JSON.stringify(unread)).map((r) => [r.lesson_id, upgradeBody(r.schema_version, r.html)] as const),
    );
    const wanted = new Map(searchEntries(course, bodies).map((e) => [key(e), e]));
    for (const entry of stored) {
      if (entry.kind === 'lesson' && entry.field === 'body' && indexedBodies.has(entry.target_id)) continue;
      const k = key({ kind: entry.kind, targetId: entry.target_id, field: entry.field });
      this.replace(course.id, entry, wanted.get(k));
      wanted.delete(k);
    }
    for (const e of wanted.values()) this.replace(course.id, undefined, e);
  }

  /** Indexes a lesson's saved body (HTML as stored). Must run inside the transaction that wrote the body. */
  updateBody(courseId: string, lessonId: string, html: string): void {
    if (this.deferred) {
      this.deferred.push({ courseId, lessonId, html });
      return;
    }
    const text = bodySearchText(html);
    this.replace(courseId, this.stmt.bodyEntry.get(courseId, lessonId), text ? { kind: 'lesson', targetId: lessonId, field: 'body', text } : undefined);
  }

  /**
   * Holds index updates back until `flushDeferred`, which must run in the same transaction (sync applies hundreds of
   * pulled rows per transaction). Why: FTS5 writes its pending terms out at every savepoint, and each row of such a
   * batch runs in savepoints of its own, so indexing row by row would write hundreds of tiny index segments; flushed
   * together after the last savepoint, the batch's terms reach the index as one segment at commit.
   */
  deferUpdates(): void {
    if (this.deferred) throw new Error('SearchIndex updates are already deferred');
    this.deferred = [];
  }

  /** A point in the deferred log, to drop what a rolled-back savepoint logged after it (`discardDeferred`). */
  deferredMark(): number {
    return this.deferred?.length ?? 0;
  }

  discardDeferred(mark: number): void {
    this.deferred?.splice(mark);
  }

  /** Writes every deferred update in the order logged and stops deferring. Inside the transaction that logged them. */
  flushDeferred(): void {
    const log = this.deferred;
    this.deferred = null;
    for (const item of log ?? []) {
      if ('course' in item) this.update(item.course);
      else this.updateBody(item.courseId, item.lessonId, item.html);
    }
  }

  /** Stops deferring and forgets the log (its transaction is being rolled back). */
  dropDeferred(): void {
    this.deferred = null;
  }

  /** Replaces one stored entry (or none) by one wanted entry (or none), in the table and both FTS indexes. */
  private replace(courseId: string, stored: StoredEntry | undefined, next: SearchEntry | undefined): void {
    if (stored && next && stored.text === next.text) return;
    if (stored) {
      this.stmt.ftsDelete.run(stored.id, stored.text);
      this.stmt.gramsDelete.run(stored.id);
      if (next) {
        this.stmt.update.run(next.text, stored.id);
        this.stmt.ftsInsert.run(stored.id, next.text);
        this.stmt.gramsInsert.run(stored.id, gramTokens(next.text));
      } else {
        this.stmt.remove.run(stored.id);
      }
      return;
    }
    if (!next) return;
    const { lastInsertRowid } = this.stmt.insert.run(courseId, next.kind, next.targetId, next.field, next.text);
    this.stmt.ftsInsert.run(lastInsertRowid, next.text);
    this.stmt.gramsInsert.run(lastInsertRowid, gramTokens(next.text));
  }

  /**
   * Re-creates every entry from the course tables in bulk, then rebuilds the FTS index — for data written around
   * CourseService (the benchmark dataset). Must produce exactly what `update(searchEntries(course))` does for every
   * course; a test compares the two.
   */
  rebuildFromTables(): void {
    const clean = (column: string) => `replace(replace(${column}, char(57344), char(65533)), char(57345), char(65533))`;
    this.db.transaction(() => {
      this.db.exec(`
        DELETE FROM search_entries;
        INSERT INTO search_entries (course_id, kind, target_id, field, text)
          SELECT id, 'course', id, 'title', ${clean('title')} FROM courses WHERE title <> ''
          UNION ALL SELECT id, 'course', id, 'summary', ${clean('summary')} FROM courses WHERE summary <> ''
          UNION ALL SELECT course_id, 'chapter', id, 'title', ${clean('title')} FROM chapters WHERE title <> ''
          UNION ALL SELECT course_id, 'lesson', id, 'title', ${clean('title')} FROM lessons WHERE title <> '';
      `);
      // Bodies are reduced to text here, as saves do (richTextToText has no SQL equivalent).
      const bodies = this.db.prepare<[], { course_id: string; lesson_id: string; schema_version: number; html: string }>(
        'SELECT l.course_id, b.lesson_id, b.schema_version, b.html FROM lesson_bodies b JOIN lessons l ON l.id = b.lesson_id',
      );
      for (const row of bodies.all()) {
        const text = bodySearchText(upgradeBody(row.schema_version, row.html));
        if (text) this.stmt.insert.run(row.course_id, 'lesson', row.lesson_id, 'body', text);
      }
      this.db.exec(`
        INSERT INTO search_fts (search_fts) VALUES ('rebuild');
        DELETE FROM search_grams;
      `);
      for (const row of this.db.prepare<[], { id: number; text: string }>('SELECT id, text FROM search_entries').all()) {
        this.stmt.gramsInsert.run(row.id, gramTokens(row.text));
      }
    }).immediate();
  }

  query(query: string, limit: number): { items: SearchResult[]; more: boolean } {
    const terms = parseSearchQuery(query);
    if (terms.indexed.length === 0 && terms.short.length === 0) return { items: [], more: false };
    const params: Record<string, unknown> = { rows: ROWS_PER_QUERY, open: HIGHLIGHT_OPEN, close: HIGHLIGHT_CLOSE };
    let rows: HitRow[];
    if (terms.indexed.length > 0) {
      params.match = terms.indexed.map(ftsPhrase).join(' AND ');
      // Short terms beside long ones are checked on the rows the trigram index matched (instr, or LIKE — ASCII case
      // folded — for terms with Latin letters), which is far cheaper than intersecting with the gram index.
      const shortFilters = terms.short.map((term, i) => {
        if (/[A-Za-z]/.test(term)) {
          params[`short${i}`] = `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
          return `AND search_fts.text LIKE @short${i} ESCAPE '\\'`;
        }
        params[`short${i}`] = term;
        return `AND instr(search_fts.text, @short${i}) > 0`;
      });
      // Ranked and cut to @rows inside FTS5 first, highlight() on those rows only; then the joins.
      rows = this.db
        .prepare<Record<string, unknown>, HitRow>(
          `WITH best AS (
             SELECT rowid AS id, rank, highlight(search_fts, 0, @open, @close) AS text FROM search_fts
              WHERE search_fts MATCH @match ${shortFilters.join(' ')}
              ORDER BY rank LIMIT @rows
           )
           SELECT e.course_id, c.title AS course_title, c.type AS course_type, e.kind, e.target_id, e.field, best.text
             FROM best
             JOIN search_entries e ON e.id = best.id
             JOIN courses c ON c.id = e.course_id AND c.deleted_at IS NULL
            ORDER BY best.rank`,
        )
        .all(params);
    } else {
      params.grams = terms.short.map(gramQuery).join(' AND ');
      // Only 1–2 character terms: the gram index, unranked, stopping at @rows matches.
      rows = this.db
        .prepare<Record<string, unknown>, HitRow>(
          `SELECT e.course_id, c.title AS course_title, c.type AS course_type, e.kind, e.target_id, e.field, e.text
             FROM (SELECT rowid AS id FROM search_grams WHERE search_grams MATCH @grams LIMIT @rows) AS g
             JOIN search_entries e ON e.id = g.id
             JOIN courses c ON c.id = e.course_id AND c.deleted_at IS NULL`,
        )
        .all(params);
      // Without a rank, the course's own title and summary come before its outline, shorter texts (where the query
      // is more of the text) first.
      rows.sort((a, b) => (KIND_ORDER[`${a.kind}:${a.field}`] ?? 9) - (KIND_ORDER[`${b.kind}:${b.field}`] ?? 9) || a.text.length - b.text.length);
    }

    const byCourse = new Map<string, SearchResult>();
    for (const row of rows) {
      let result = byCourse.get(row.course_id);
      if (!result) {
        if (byCourse.size === limit) continue;
        result = { courseId: row.course_id, courseTitle: row.course_title, courseType: row.course_type, hits: [] };
        byCourse.set(row.course_id, result);
      }
      if (result.hits.length >= HITS_PER_COURSE) continue;
      const { text, ranges } = unmark(row.text);
      ranges.push(...findTerms(text, terms.short));
      result.hits.push({ kind: row.kind, targetId: row.target_id, field: row.field, snippet: snippetSegments(text, ranges) });
    }
    const items = [...byCourse.values()];
    for (const item of items) item.hits.sort((a, b) => (KIND_ORDER[`${a.kind}:${a.field}`] ?? 9) - (KIND_ORDER[`${b.kind}:${b.field}`] ?? 9));
    const distinct = new Set(rows.map((r) => r.course_id)).size;
    return { items, more: distinct > items.length || rows.length === ROWS_PER_QUERY };
  }
}
