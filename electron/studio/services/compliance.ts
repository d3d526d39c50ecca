/**
 * Compliance in the studio host: scans everything a creator publishes in a stored course with the shared engine,
 * keeps the team's term lists and the append-only acknowledgement trail, decides the publish gate, and keeps each
 * course's publish readiness honest (re-checked on every read and after every save).
 *
 * One scanner per workspace, built from the rules plus the enabled team lists on first use and dropped whenever a
 * list changes, so the next scan builds it again from what is stored.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  StudioError,
  TERMS_PER_LIST_MAX,
  TERM_MAX_CHARS,
  WORD_LIST_MAX_BYTES,
  findingKey,
  type AckEntry,
  type ComplianceField,
  type ComplianceTarget,
  type CourseScan,
  type FieldProblem,
  type GateResult,
  type HandlerInput,
  type LocatedFinding,
  type MethodOutput,
  type PublishState,
  type TermList,
} from '../../../shared/contract/index';
import { CATEGORIES, type Category, type CustomTerm, type Finding, type Scanner, type ScannerOptions } from '../../../shared/compliance/types';
import { RULESET_VERSION, createDefaultScanner } from '../../../shared/compliance/default-scanner';
import { parseWordList } from '../../../shared/compliance/word-list';
import { normalizeHost } from '../../../shared/compliance/validators';
import type { ListKind } from '../../../shared/contract/compliance';
import { richTextToText } from '../../../shared/compliance/rich-text';
import { charLength, type Course } from '../../../shared/domain/course';
import type { CourseService } from './courses';

/** Who acknowledges or submits: the bound team member, else this computer's user account. */
export interface Actor {
  name: string;
  source: 'team' | 'os';
}

export interface ComplianceServiceOptions {
  now?: () => Date;
  /** Builds a scanner (tests count builds through it). */
  createScanner?: (options: ScannerOptions) => Scanner;
  /** The bodies of a course's lessons (lesson id → sanitized HTML); published text, so scanned with the rest. */
  lessonBodies?: (courseId: string) => ReadonlyMap<string, string>;
}

/** One published text of a course: plain text, or rich text (HTML) reduced to text with positions. */
export interface PublishedField {
  target: ComplianceTarget;
  id: string;
  field: ComplianceField;
  kind: 'plain' | 'rich';
  value: string;
}

interface AckRow {
  seq: number;
  course_id: string;
  target: ComplianceTarget;
  target_id: string;
  field: ComplianceField;
  rule: string;
  category: Category;
  matched: string;
  action: 'ack' | 'revoke';
  reason: string;
  actor: string;
  actor_source: 'team' | 'os';
  created_at: string;
}

interface ListRow {
  id: string;
  name: string;
  kind: ListKind;
  source: string;
  enabled: number;
  created_at: string;
  updated_at: string;
  term_count: number;
}

interface PublishRow {
  course_id: string;
  state: 'draft' | 'ready';
  course_version: number;
  withdrawn_reason: 'findings' | null;
  changed_by: string;
  changed_at: string;
}

type FindingRef = Pick<HandlerInput<'compliance.acknowledge'>, 'courseId' | 'target' | 'targetId' | 'field' | 'rule' | 'text'>;

const CATEGORY_SET = new Set<string>(CATEGORIES);

/** Everything a creator publishes in a course today, in reading order: a lesson's body follows its title. */
export function publishedFields(course: Course, bodies: ReadonlyMap<string, string> = new Map()): PublishedField[] {
  const fields: PublishedField[] = [
    { target: 'course', id: course.id, field: 'title', kind: 'plain', value: course.title },
    { target: 'course', id: course.id, field: 'summary', kind: 'plain', value: course.summary },
  ];
  const details = course.typeDetails;
  if (details?.type === 'article' && details.author) fields.push({ target: 'course', id: course.id, field: 'author', kind: 'plain', value: details.author });
  if (details?.type === 'camp' && details.dailyTasks.length > 0) {
    const value = details.dailyTasks.map((task) => `${task.title}\n${task.description}`).join('\n');
    fields.push({ target: 'course', id: course.id, field: 'dailyTasks', kind: 'plain', value });
  }
  for (const chapter of course.chapters) {
    fields.push({ target: 'chapter', id: chapter.id, field: 'title', kind: 'plain', value: chapter.title });
    for (const lesson of chapter.lessons) {
      fields.push({ target: 'lesson', id: lesson.id, field: 'title', kind: 'plain', value: lesson.title });
      const body = bodies.get(lesson.id);
      if (body) fields.push({ target: 'lesson', id: lesson.id, field: 'body', kind: 'rich', value: body });
      const lessonDetails = lesson.typeDetails;
      if (lessonDetails?.transcript) fields.push({ target: 'lesson', id: lesson.id, field: 'transcript', kind: 'plain', value: lessonDetails.transcript });
      if (lessonDetails && lessonDetails.chapterMarks.length > 0) {
        fields.push({ target: 'lesson', id: lesson.id, field: 'chapterMarks', kind: 'plain', value: lessonDetails.chapterMarks.map((m) => m.title).join('\n') });
      }
    }
  }
  return fields;
}

/**
 * Scans fields and places each finding. Rich text is scanned as the text richTextToText makes of it; the finding's
 * start/end are offsets in that text and sourceStart/sourceEnd the same span in the HTML (an entity such as &amp;
 * is one text character, so the end reaches past the whole entity).
 */
export function scanFields(scanner: Scanner, fields: readonly PublishedField[]): Array<Finding & { location: LocatedFinding['location'] }> {
  const out: Array<Finding & { location: LocatedFinding['location'] }> = [];
  for (const f of fields) {
    if (f.value.length === 0) continue;
    if (f.kind === 'plain') {
      for (const finding of scanner.scan(f.value)) {
        out.push({ ...finding, location: { target: f.target, id: f.id, field: f.field, start: finding.start, end: finding.end } });
      }
      continue;
    }
    const { text, offsets } = richTextToText(f.value);
    for (const finding of scanner.scan(text)) {
      const sourceStart = offsets[finding.start] ?? 0;
      const last = offsets[finding.end - 1] ?? sourceStart;
      let sourceEnd = last + 1;
      if (f.value[last] === '&') {
        const semi = f.value.indexOf(';', last);
        if (semi > last && semi - last <= 32) sourceEnd = semi + 1;
      }
      out.push({
        ...finding,
        location: { target: f.target, id: f.id, field: f.field, start: finding.start, end: finding.end, sourceStart, sourceEnd },
      });
    }
  }
  return out;
}

function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** Where the first invalid UTF-8 sequence is, as a 1-based line number; null when the bytes are valid UTF-8. */
function firstInvalidUtf8Line(bytes: Buffer): number | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes);
    return null;
  } catch {
    // Invalid somewhere: find the line, which is what the creator can look for.
  }
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    line++;
    start = end + 1;
  }
  return null;
}

function wordListError(code: string, message: string, details: Record<string, string | number> = {}): StudioError {
  return new StudioError('INVALID_INPUT', message, { fields: [{ path: 'dataBase64', code }], details });
}

export class ComplianceService {
  private readonly now: () => Date;
  private readonly build: (options: ScannerOptions) => Scanner;
  private readonly lessonBodies: (courseId: string) => ReadonlyMap<string, string>;
  private scanner: Scanner | null = null;
  private version: string | null = null;
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly courses: CourseService,
    options: ComplianceServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.build = options.createScanner ?? createDefaultScanner;
    this.lessonBodies = options.lessonBodies ?? (() => new Map());
    this.stmt = {
      acksOfCourse: db.prepare<[string], AckRow>('SELECT * FROM compliance_acks WHERE course_id = ? ORDER BY seq'),
      insertAck: db.prepare(
        `INSERT INTO compliance_acks (course_id, target, target_id, field, rule, category, matched, action, reason, actor,
                                      actor_source, created_at)
         VALUES (@courseId, @target, @targetId, @field, @rule, @category, @text, @action, @reason, @actor, @actorSource, @now)`,
      ),
      ackBySeq: db.prepare<[number | bigint], AckRow>('SELECT * FROM compliance_acks WHERE seq = ?'),
      publishRow: db.prepare<[string], PublishRow>('SELECT * FROM course_publish_states WHERE course_id = ?'),
      upsertPublish: db.prepare(
        `INSERT INTO course_publish_states (course_id, state, course_version, withdrawn_reason, changed_by, changed_at)
         VALUES (@courseId, @state, @version, @withdrawnReason, @changedBy, @now)
         ON CONFLICT (course_id) DO UPDATE SET state = excluded.state, course_version = excluded.course_version,
           withdrawn_reason = excluded.withdrawn_reason, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
      ),
      carryReady: db.prepare('UPDATE course_publish_states SET course_version = ? WHERE course_id = ?'),
      lists: db.prepare<[], ListRow>(
        `SELECT l.*, (SELECT count(*) FROM term_list_terms t WHERE t.list_id = l.id) AS term_count
           FROM term_lists l ORDER BY l.created_at, l.id`,
      ),
      list: db.prepare<[string], ListRow>(
        `SELECT l.*, (SELECT count(*) FROM term_list_terms t WHERE t.list_id = l.id) AS term_count
           FROM term_lists l WHERE l.id = ?`,
      ),
      insertList: db.prepare(
        `INSERT INTO term_lists (id, name, kind, source, enabled, created_at, updated_at)
         VALUES (@id, @name, @kind, @source, 1, @now, @now)`,
      ),
      touchList: db.prepare('UPDATE term_lists SET updated_at = ? WHERE id = ?'),
      renameList: db.prepare('UPDATE term_lists SET name = ?, updated_at = ? WHERE id = ?'),
      enableList: db.prepare('UPDATE term_lists SET enabled = ?, updated_at = ? WHERE id = ?'),
      deleteList: db.prepare('DELETE FROM term_lists WHERE id = ?'),
      countTerms: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM term_list_terms WHERE list_id = ?'),
      upsertTerm: db.prepare(
        `INSERT INTO term_list_terms (list_id, term, category) VALUES (?, ?, ?)
         ON CONFLICT (list_id, term) DO UPDATE SET category = excluded.category`,
      ),
      deleteTerm: db.prepare('DELETE FROM term_list_terms WHERE list_id = ? AND term = ?'),
      enabledTerms: db.prepare<[], { kind: ListKind; term: string; category: Category | null }>(
        `SELECT l.kind, t.term, t.category FROM term_list_terms t JOIN term_lists l ON l.id = t.list_id
          WHERE l.enabled = 1 ORDER BY l.kind, t.term`,
      ),
    };
  }

  // ---- scanner ---------------------------------------------------------------------------------------------------

  /** Identifies the set of team lists as they are now (renderer scanners compare it to know when to rebuild). */
  listsVersion(): string {
    if (this.version === null) {
      const rows = this.stmt.lists.all().map((l) => `${l.id}:${l.updated_at}:${l.enabled}:${l.term_count}`);
      this.version = createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16);
    }
    return this.version;
  }

  private termsForScanner(): { customTerms: CustomTerm[]; allowTerms: string[]; whitelist: string[] } {
    const customTerms: CustomTerm[] = [];
    const allowTerms: string[] = [];
    const whitelist: string[] = [];
    for (const row of this.stmt.enabledTerms.iterate()) {
      if (row.kind === 'allow') allowTerms.push(row.term);
      else if (row.kind === 'host') whitelist.push(row.term);
      else if (row.category) customTerms.push({ term: row.term, category: row.category });
    }
    return { customTerms, allowTerms, whitelist };
  }

  /** One text scanned with the workspace's scanner (the rules plus the team's lists), e.g. a funnel step's message. */
  scanText(text: string): Finding[] {
    return this.currentScanner().scan(text);
  }

  private currentScanner(): Scanner {
    this.scanner ??= this.build({ ...this.termsForScanner(), includeInfo: true });
    return this.scanner;
  }

  /** The workspace's scanner (rules plus the enabled team lists), for other text the studio checks (share posters). */
  workspaceScanner(): Scanner {
    return this.currentScanner();
  }

  /** Drops the scanner and the lists version; both are rebuilt from the database on next use. */
  private listsChanged(): void {
    this.scanner = null;
    this.version = null;
  }

  scannerConfig(): MethodOutput<'compliance.scannerConfig'> {
    const { customTerms, allowTerms, whitelist } = this.termsForScanner();
    return {
      listsVersion: this.listsVersion(),
      flagTerms: customTerms.map((t) => `${t.term}\t${t.category}`).join('\n'),
      allowTerms: allowTerms.join('\n'),
      hosts: whitelist.join('\n'),
    };
  }

  // ---- scanning and the gate -------------------------------------------------------------------------------------

  scanCourse(courseId: string): CourseScan {
    const course = this.courses.get(courseId);
    const active = this.activeAcks(courseId);
    const findings: LocatedFinding[] = scanFields(this.currentScanner(), publishedFields(course, this.lessonBodies(courseId))).map((f) => {
      const key = findingKey({ target: f.location.target, targetId: f.location.id, field: f.location.field, rule: f.rule, text: f.text });
      const located: LocatedFinding = {
        category: f.category,
        severity: f.severity,
        text: f.text,
        rule: f.rule,
        basis: f.basis,
        message: f.message,
        evasions: f.evasions,
        location: f.location,
        key,
        acknowledgement: f.severity === 'must_fix' ? (active.get(key) ?? null) : null,
      };
      if (f.suggestion) located.suggestion = f.suggestion;
      return located;
    });
    const blocking = findings.filter((f) => f.severity === 'block');
    const unacknowledged = findings.filter((f) => f.severity === 'must_fix' && !f.acknowledgement);
    return {
      courseId,
      courseVersion: course.version,
      rulesetVersion: RULESET_VERSION,
      listsVersion: this.listsVersion(),
      findings,
      gate: {
        courseId,
        courseVersion: course.version,
        allowed: blocking.length === 0 && unacknowledged.length === 0,
        blocking,
        unacknowledged,
      },
    };
  }

  gate(courseId: string): GateResult {
    return this.scanCourse(courseId).gate;
  }

  /**
   * The publish gate for publish and sync: throws COMPLIANCE_BLOCKED listing every block finding and every
   * unacknowledged must-fix finding (as field problems `<target>:<id>.<field>` → `compliance.<severity>`).
   */
  assertPublishable(courseId: string): GateResult {
    const gate = this.gate(courseId);
    if (gate.allowed) return gate;
    const fields: FieldProblem[] = [
      ...gate.blocking.map((f) => ({ path: `${f.location.target}:${f.location.id}.${f.location.field}`, code: `compliance.block.${f.category}` })),
      ...gate.unacknowledged.map((f) => ({
        path: `${f.location.target}:${f.location.id}.${f.location.field}`,
        code: `compliance.unacknowledged.${f.category}`,
      })),
    ];
    throw new StudioError(
      'COMPLIANCE_BLOCKED',
      `Course ${courseId} cannot be published: ${gate.blocking.length} blocking, ${gate.unacknowledged.length} unacknowledged must-fix finding(s)`,
      { fields, details: { blocking: gate.blocking.length, unacknowledged: gate.unacknowledged.length } },
    );
  }

  // ---- acknowledgements ------------------------------------------------------------------------------------------

  private activeAcks(courseId: string): Map<string, AckEntry> {
    const active = new Map<string, AckEntry>();
    for (const row of this.stmt.acksOfCourse.all(courseId)) {
      const entry = ackEntry(row);
      const key = findingKey(entry);
      if (entry.action === 'ack') active.set(key, entry);
      else active.delete(key);
    }
    return active;
  }

  /** Acknowledges a must-fix finding of the stored course; the reason arrives trimmed and checked by the contract. */
  acknowledge(input: FindingRef & { reason: string }, actor: Actor): AckEntry {
    const key = findingKey(input);
    const finding = this.scanCourse(input.courseId).findings.find((f) => f.key === key);
    if (!finding) {
      throw new StudioError('NOT_FOUND', 'The course as stored has no such finding (the text may have changed)', {
        fields: [{ path: 'text', code: 'ack.noSuchFinding' }],
      });
    }
    if (finding.severity === 'block') {
      throw new StudioError('INVALID_INPUT', 'Findings that block publishing cannot be acknowledged; the text must change', {
        fields: [{ path: 'rule', code: 'ack.blockFinding' }],
      });
    }
    if (finding.severity !== 'must_fix') {
      throw new StudioError('INVALID_INPUT', 'Only must-fix findings are acknowledged', { fields: [{ path: 'rule', code: 'ack.notMustFix' }] });
    }
    return this.appendAck(input, finding.category, 'ack', input.reason, actor);
  }

  /** Withdraws the acknowledgement in force for a finding (appends a `revoke` row). */
  revoke(input: FindingRef & { reason: string }, actor: Actor): AckEntry {
    this.courses.get(input.courseId);
    const active = this.activeAcks(input.courseId).get(findingKey(input));
    if (!active) throw new StudioError('NOT_FOUND', 'No acknowledgement of this finding is in force');
    return this.appendAck(input, active.category, 'revoke', input.reason, actor);
  }

  private appendAck(ref: FindingRef, category: Category, action: 'ack' | 'revoke', reason: string, actor: Actor): AckEntry {
    const info = this.stmt.insertAck.run({
      ...ref,
      category,
      action,
      reason,
      actor: actor.name,
      actorSource: actor.source,
      now: this.now().toISOString(),
    });
    return ackEntry(this.stmt.ackBySeq.get(info.lastInsertRowid)!);
  }

  auditTrail(input: HandlerInput<'compliance.auditTrail'>): MethodOutput<'compliance.auditTrail'> {
    const where = input.courseId ? 'WHERE course_id = @courseId' : '';
    const params = input.courseId ? { courseId: input.courseId } : {};
    const items = this.db
      .prepare<Record<string, unknown>, AckRow>(`SELECT * FROM compliance_acks ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: input.limit, offset: input.offset })
      .map(ackEntry);
    const { total } = this.db.prepare<Record<string, unknown>, { total: number }>(`SELECT count(*) AS total FROM compliance_acks ${where}`).get(params)!;
    return { items, total };
  }

  // ---- publish readiness -----------------------------------------------------------------------------------------

  /**
   * The course's readiness, re-checked: a ready course whose gate no longer passes (edited text, a new team term,
   * a revoked acknowledgement) goes back to draft here, with the reason recorded.
   */
  publishState(courseId: string): PublishState {
    const course = this.courses.get(courseId);
    const row = this.stmt.publishRow.get(courseId);
    if (row?.state === 'ready') {
      const gate = this.gate(courseId);
      if (!gate.allowed) {
        this.stmt.upsertPublish.run({
          courseId,
          state: 'draft',
          version: course.version,
          withdrawnReason: 'findings',
          changedBy: '',
          now: this.now().toISOString(),
        });
      } else if (row.course_version !== course.version) {
        this.stmt.carryReady.run(course.version, courseId);
      }
    }
    return publishState(courseId, this.stmt.publishRow.get(courseId));
  }

  /** 提交发布: the gate runs here, on the stored course; only a passing course becomes ready. */
  submitForPublish(courseId: string, actor: Actor): PublishState {
    const gate = this.assertPublishable(courseId);
    this.stmt.upsertPublish.run({
      courseId,
      state: 'ready',
      version: gate.courseVersion,
      withdrawnReason: null,
      changedBy: actor.name,
      now: this.now().toISOString(),
    });
    return publishState(courseId, this.stmt.publishRow.get(courseId));
  }

  withdrawFromPublish(courseId: string, actor: Actor): PublishState {
    const course = this.courses.get(courseId);
    this.stmt.upsertPublish.run({
      courseId,
      state: 'draft',
      version: course.version,
      withdrawnReason: null,
      changedBy: actor.name,
      now: this.now().toISOString(),
    });
    return publishState(courseId, this.stmt.publishRow.get(courseId));
  }

  /** Called after a course is saved: a ready course is re-checked on its new text at once. */
  afterCourseSaved(courseId: string): PublishState {
    return this.publishState(courseId);
  }

  // ---- term lists ------------------------------------------------------------------------------------------------

  lists(): TermList[] {
    return this.stmt.lists.all().map(termList);
  }

  private requireList(id: string): ListRow {
    const row = this.stmt.list.get(id);
    if (!row) throw new StudioError('NOT_FOUND', `Term list ${id} does not exist`);
    return row;
  }

  createList(input: { name: string; kind: ListKind }, source = 'manual'): TermList {
    const id = randomUUID();
    this.stmt.insertList.run({ id, name: input.name, kind: input.kind, source, now: this.now().toISOString() });
    this.listsChanged();
    return termList(this.requireList(id));
  }

  updateList(input: HandlerInput<'compliance.updateList'>): TermList {
    this.requireList(input.id);
    const now = this.now().toISOString();
    this.db.transaction(() => {
      if (input.name !== undefined) this.stmt.renameList.run(input.name, now, input.id);
      if (input.enabled !== undefined) this.stmt.enableList.run(input.enabled ? 1 : 0, now, input.id);
    })();
    this.listsChanged();
    return termList(this.requireList(input.id));
  }

  deleteList(id: string): { id: string } {
    this.requireList(id);
    this.stmt.deleteList.run(id);
    this.listsChanged();
    return { id };
  }

  listTerms(input: HandlerInput<'compliance.listTerms'>): MethodOutput<'compliance.listTerms'> {
    this.requireList(input.listId);
    const query = input.query.trim();
    const where = query ? "list_id = @listId AND term LIKE @pattern ESCAPE '\\'" : 'list_id = @listId';
    const params = query ? { listId: input.listId, pattern: likePattern(query) } : { listId: input.listId };
    const items = this.db
      .prepare<Record<string, unknown>, { term: string; category: Category | null }>(
        `SELECT term, category FROM term_list_terms WHERE ${where} ORDER BY term LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: input.limit, offset: input.offset });
    const { total } = this.db
      .prepare<Record<string, unknown>, { total: number }>(`SELECT count(*) AS total FROM term_list_terms WHERE ${where}`)
      .get(params)!;
    return { items, total };
  }

  /** Adds or updates terms in one transaction; flag lists need a category for every term. */
  private putTerms(list: ListRow, terms: ReadonlyMap<string, Category | null>): { added: number; updated: number } {
    const before = this.stmt.countTerms.get(list.id)!.n;
    if (before + terms.size > TERMS_PER_LIST_MAX) {
      throw new StudioError('INVALID_INPUT', `A list holds at most ${TERMS_PER_LIST_MAX} terms`, {
        fields: [{ path: 'terms', code: 'terms.tooMany' }],
        details: { max: TERMS_PER_LIST_MAX },
      });
    }
    this.db.transaction(() => {
      for (const [term, category] of terms) this.stmt.upsertTerm.run(list.id, term, list.kind === 'flag' ? category : null);
      this.stmt.touchList.run(this.now().toISOString(), list.id);
    })();
    const added = this.stmt.countTerms.get(list.id)!.n - before;
    this.listsChanged();
    return { added, updated: terms.size - added };
  }

  addTerms(input: HandlerInput<'compliance.addTerms'>): MethodOutput<'compliance.addTerms'> {
    const list = this.requireList(input.listId);
    const terms = new Map<string, Category | null>();
    const fields: FieldProblem[] = [];
    input.terms.forEach((t, i) => {
      if (list.kind === 'flag' && !t.category) fields.push({ path: `terms.${i}.category`, code: 'term.categoryRequired' });
      if (list.kind === 'host') {
        const host = hostOf(t.term);
        if (!host) fields.push({ path: `terms.${i}.term`, code: 'term.hostInvalid' });
        else terms.set(host, null);
        return;
      }
      terms.set(t.term, t.category ?? null);
    });
    if (fields.length > 0) throw new StudioError('INVALID_INPUT', 'Every term of a flag list needs a category', { fields });
    const counts = this.putTerms(list, terms);
    return { list: termList(this.requireList(list.id)), ...counts };
  }

  removeTerms(input: HandlerInput<'compliance.removeTerms'>): MethodOutput<'compliance.removeTerms'> {
    const list = this.requireList(input.listId);
    let removed = 0;
    this.db.transaction(() => {
      for (const term of input.terms) removed += this.stmt.deleteTerm.run(list.id, term.trim()).changes;
      if (removed > 0) this.stmt.touchList.run(this.now().toISOString(), list.id);
    })();
    this.listsChanged();
    return { list: termList(this.requireList(list.id)), removed };
  }

  /**
   * Imports a word list file: UTF-8 (a BOM is fine), one term per line, optional category column. Nothing is stored
   * unless the whole file parses; a malformed line is named by its number. Lines the parser skips (blank, comments,
   * control characters) and terms longer than a list can hold are counted as skipped.
   */
  importList(input: HandlerInput<'compliance.importList'>): MethodOutput<'compliance.importList'> {
    const bytes = Buffer.from(input.dataBase64, 'base64');
    if (bytes.length === 0) throw wordListError('wordList.empty', 'The file is empty');
    if (bytes.length > WORD_LIST_MAX_BYTES) {
      throw wordListError('wordList.tooLarge', `A word list may be at most ${WORD_LIST_MAX_BYTES} bytes`, { max: WORD_LIST_MAX_BYTES });
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      const line = bytes.subarray(0, nul).filter((b) => b === 0x0a).length + 1;
      throw wordListError('wordList.binary', `The file is not text (a NUL byte on line ${line})`, { line });
    }
    const badLine = firstInvalidUtf8Line(bytes);
    if (badLine !== null) throw wordListError('wordList.notUtf8', `The file is not UTF-8 text (line ${badLine})`, { line: badLine });
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');

    const existing = input.listId ? this.requireList(input.listId) : null;
    if (existing && existing.kind !== input.kind) {
      throw new StudioError('INVALID_INPUT', 'The list is of the other kind', { fields: [{ path: 'kind', code: 'wordList.kindMismatch' }] });
    }
    // Allow terms and hosts have no category: any stands in for the parser, and none is stored.
    const defaultCategory = input.kind !== 'flag' ? (input.defaultCategory ?? 'fraud') : input.defaultCategory;
    const parsed = parseWordList(text, defaultCategory ? { defaultCategory } : {});
    if (!parsed.ok) {
      const { line, code, message } = parsed.error;
      throw wordListError('wordList.malformed', message.en, { line, reason: code, messageZh: message.zh, messageEn: message.en });
    }
    const terms = new Map<string, Category | null>();
    let skipped = parsed.skipped;
    for (const t of parsed.terms) {
      const term = input.kind === 'host' ? (hostOf(t.term) ?? '') : t.term.trim();
      // eslint-disable-next-line no-control-regex
      if (term.length === 0 || charLength(term) > TERM_MAX_CHARS || /[\u0000-\u001f\u007f]/.test(term) || !CATEGORY_SET.has(t.category)) {
        skipped++;
        continue;
      }
      terms.set(term, t.category);
    }
    if (terms.size === 0) throw wordListError('wordList.noTerms', 'The file has no terms');

    // One transaction: a new list whose terms could not be stored is not left behind half-made.
    const result = this.db.transaction(() => {
      const list =
        existing ??
        this.requireList(this.createList({ name: input.name ?? listNameFromFile(input.fileName), kind: input.kind }, `import:${input.fileName}`).id);
      return { id: list.id, ...this.putTerms(list, terms) };
    })();
    this.listsChanged();
    return { list: termList(this.requireList(result.id)), added: result.added, updated: result.updated, skipped };
  }
}

/** A host from what a creator types: "course.example.com", "*.example.com" or a URL; null when it is none. */
export function hostOf(raw: string): string | null {
  let text = raw.trim().toLowerCase().replace(/^\*\./, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
    try {
      text = new URL(text).hostname;
    } catch {
      return null;
    }
  }
  return normalizeHost(text);
}

function listNameFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]{1,8}$/, '').trim();
  return (base || fileName).slice(0, 100);
}

function ackEntry(row: AckRow): AckEntry {
  return {
    seq: row.seq,
    courseId: row.course_id,
    target: row.target,
    targetId: row.target_id,
    field: row.field,
    rule: row.rule,
    category: row.category,
    text: row.matched,
    action: row.action,
    reason: row.reason,
    actor: row.actor,
    actorSource: row.actor_source,
    createdAt: row.created_at,
  };
}

function termList(row: ListRow): TermList {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    source: row.source,
    enabled: row.enabled === 1,
    termCount: row.term_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function publishState(courseId: string, row: PublishRow | undefined): PublishState {
  if (!row) return { courseId, state: 'draft', withdrawnReason: null, changedBy: null, changedAt: null };
  return {
    courseId,
    state: row.state,
    withdrawnReason: row.withdrawn_reason,
    changedBy: row.changed_by || null,
    changedAt: row.changed_at,
  };
}
