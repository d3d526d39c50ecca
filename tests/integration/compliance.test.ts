/**
 * Compliance in the studio host, through its contract methods, on a real SQLite file with the real engine: finding
 * locations, the publish gate, acknowledgements and their append-only trail, publish readiness that follows edits,
 * the team's term lists, word-list imports that fail loudly, and reports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { GlobalFonts } from '@napi-rs/canvas';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import { ComplianceService, publishedFields, scanFields } from '../../electron/studio/services/compliance';
import { CourseService } from '../../electron/studio/services/courses';
import { escapeHtml } from '../../electron/studio/services/compliance-report';
import { complianceHandlers, osUserName } from '../../electron/studio/services/compliance-handlers';
import { extractFace, renderReportPdf, reportFont, wrapText } from '../../electron/studio/services/compliance-pdf';
import { DB_FILE_NAME, openWorkspaceDatabase } from '../../electron/studio/store/database';
import { createDefaultScanner } from '../../shared/compliance/default-scanner';
import { richTextToText } from '../../shared/compliance/rich-text';
import type { Scanner, ScannerOptions } from '../../shared/compliance/types';
import type { LocatedFinding, MethodInput } from '../../shared/contract/index';
import type { Course } from '../../shared/domain/course';
import { defaultLessonTypeDetails, defaultTypeDetails } from '../../shared/domain/course-types';
import { callError, callOk, openHost, steppingClock } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

function freshHost(dir = tempDir()): StudioHost {
  return openHost(dir, { now: steppingClock() });
}

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

/** A course whose every published field has something: an absolute claim, an inducement, a blocked drug offer. */
async function courseWithFindings(host: StudioHost, changes: Partial<MethodInput<'courses.save'>> = {}): Promise<Course> {
  const course = await callOk(host, 'courses.create', { title: '占位' });
  return callOk(
    host,
    'courses.save',
    saveInput(course, {
      title: '全网最好的小红书运营课',
      summary: '第一课免费。转发朋友圈领取资料包',
      chapters: [
        { id: 'ch1', title: '入门：保证通过考试', lessons: [{ id: 'l1', title: '开营' }, { id: 'l2', title: '私下出售冰毒的渠道' }] },
      ],
      ...changes,
    }),
  );
}

function ackInput(courseId: string, f: LocatedFinding, reason: string): MethodInput<'compliance.acknowledge'> {
  return { courseId, target: f.location.target, targetId: f.location.id, field: f.location.field, rule: f.rule, text: f.text, reason };
}

describe('scanning a course', () => {
  it('finds what a creator publishes in titles, the summary and the outline, each placed in its own field', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host);
    const scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(scan.courseVersion).toBe(course.version);
    expect(scan.rulesetVersion).toMatch(/\S/);

    const where = scan.findings.map((f) => [f.location.target, f.location.id, f.location.field, f.category, f.severity]);
    expect(where).toEqual(
      expect.arrayContaining([
        ['course', course.id, 'title', 'ad_absolute', 'must_fix'],
        ['course', course.id, 'summary', 'induce_share', 'must_fix'],
        ['chapter', 'ch1', 'title', 'edu_guarantee', 'must_fix'],
        ['lesson', 'l2', 'title', 'drugs', 'block'],
      ]),
    );
    // The clean lesson and "第一课" (an ordinal, not a superlative) give nothing.
    expect(scan.findings.some((f) => f.location.id === 'l1')).toBe(false);
    expect(scan.findings.some((f) => f.text.includes('第一'))).toBe(false);

    // Offsets are UTF-16 offsets into that field's own text.
    const texts: Record<string, string> = {
      [`course:${course.id}:title`]: '全网最好的小红书运营课',
      [`course:${course.id}:summary`]: '第一课免费。转发朋友圈领取资料包',
      'chapter:ch1:title': '入门：保证通过考试',
      'lesson:l2:title': '私下出售冰毒的渠道',
    };
    for (const f of scan.findings) {
      const text = texts[`${f.location.target}:${f.location.id}:${f.location.field}`]!;
      expect(text.slice(f.location.start, f.location.end)).toBe(f.text);
    }
    const share = scan.findings.find((f) => f.category === 'induce_share')!;
    expect(share.basis.zh).toMatch(/\S/);
    expect(share.message.en).toMatch(/\S/);
  });

  it('places findings of rich text (lesson bodies, when they arrive) in the text and in the HTML', () => {
    const scanner = createDefaultScanner();
    const html = '<p>这是<b>全网最好</b>的课 &amp; 出售冰毒</p>';
    const found = scanFields(scanner, [{ target: 'lesson', id: 'l9', field: 'body', kind: 'rich', value: html }]);
    const { text } = richTextToText(html);
    expect(found.map((f) => f.category)).toEqual(expect.arrayContaining(['ad_absolute', 'drugs']));
    for (const f of found) {
      expect(f.location).toMatchObject({ target: 'lesson', id: 'l9', field: 'body' });
      expect(text.slice(f.location.start, f.location.end)).toBe(f.text);
      // The HTML span starts and ends on the matched characters; only markup lies between them.
      const source = html.slice(f.location.sourceStart, f.location.sourceEnd);
      expect(richTextToText(source).text).toBe(f.text);
      expect(source.startsWith(f.text[0]!)).toBe(true);
    }
    const drug = found.find((f) => f.category === 'drugs')!;
    expect(html.slice(drug.location.sourceStart, drug.location.sourceEnd)).toBe('冰毒');
    expect(drug.location.start).toBeLessThan(drug.location.sourceStart!);
    // An entity is one character of text and its whole escape in the HTML.
    const amp = scanFields(createDefaultScanner({ customTerms: [{ term: 'A&B', category: 'fraud' }] }), [
      { target: 'lesson', id: 'l9', field: 'body', kind: 'rich', value: '<p>买 A&amp;B</p>' },
    ])[0]!;
    expect('<p>买 A&amp;B</p>'.slice(amp.location.sourceStart, amp.location.sourceEnd)).toBe('A&amp;B');
  });

  it('lists every published field of a course in reading order', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host);
    expect(publishedFields(course).map((f) => `${f.target}:${f.id}:${f.field}`)).toEqual([
      `course:${course.id}:title`,
      `course:${course.id}:summary`,
      'chapter:ch1:title',
      'lesson:l1:title',
      'lesson:l2:title',
    ]);
  });
});

describe('the type\'s own published text', () => {
  it('scans a 训练营\'s daily tasks and an 音频 lesson\'s transcript, each as its own field', async () => {
    const host = freshHost();
    const camp = await callOk(host, 'courses.create', { title: '21 天写作营', type: 'camp', priceFen: 19900 });
    const saved = await callOk(
      host,
      'courses.save',
      saveInput(camp, {
        typeDetails: {
          ...defaultTypeDetails('camp'),
          startDate: '2030-12-01',
          endDate: '2030-12-21',
          dailyTasks: [
            { title: '开营：写下目标', description: '300 字以内' },
            { title: '第二天', description: '打卡后转发到朋友圈，即可领取写作模板' },
          ],
        },
      }),
    );
    const scan = await callOk(host, 'compliance.scanCourse', { courseId: saved.id });
    const tasks = scan.findings.filter((f) => f.location.field === 'dailyTasks');
    expect(tasks.map((f) => [f.category, f.location.target, f.location.id])).toEqual([['induce_share', 'course', saved.id]]);
    const text = publishedFields(saved).find((f) => f.field === 'dailyTasks')!.value;
    expect(text.slice(tasks[0]!.location.start, tasks[0]!.location.end)).toBe(tasks[0]!.text);

    const audio = await callOk(host, 'courses.create', { title: '播客课', type: 'audio', priceFen: 9900 });
    const withLesson = await callOk(
      host,
      'courses.save',
      saveInput(audio, {
        chapters: [{ id: 'c1', title: '第一章', lessons: [{ id: 'a1', title: '开场', typeDetails: { ...defaultLessonTypeDetails(), transcript: '这是全网最好的播客课。' } }] }],
      }),
    );
    const audioScan = await callOk(host, 'compliance.scanCourse', { courseId: withLesson.id });
    expect(audioScan.findings.map((f) => [f.location.target, f.location.id, f.location.field, f.category])).toEqual([['lesson', 'a1', 'transcript', 'ad_absolute']]);
  });
});

describe('the publish gate and acknowledgements', () => {
  it('refuses while must-fix findings are unacknowledged and passes once each is acknowledged with a reason', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host, {
      chapters: [{ id: 'ch1', title: '入门：保证通过考试', lessons: [{ id: 'l1', title: '开营' }] }],
    });
    let gate = await callOk(host, 'compliance.gate', { courseId: course.id });
    expect(gate.allowed).toBe(false);
    expect(gate.blocking).toEqual([]);
    expect(gate.unacknowledged.map((f) => f.category).sort()).toEqual(['ad_absolute', 'edu_guarantee', 'induce_share']);

    for (const f of gate.unacknowledged) {
      const entry = await callOk(host, 'compliance.acknowledge', ackInput(course.id, f, `  有依据：${f.category}  `));
      expect(entry).toMatchObject({ action: 'ack', reason: `有依据：${f.category}`, actor: os.userInfo().username, actorSource: 'os' });
    }
    gate = await callOk(host, 'compliance.gate', { courseId: course.id });
    expect(gate).toMatchObject({ allowed: true, blocking: [], unacknowledged: [] });
    const scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(scan.findings.filter((f) => f.severity === 'must_fix').every((f) => f.acknowledgement?.action === 'ack')).toBe(true);
  });

  it('requires a reason: empty, blank and over-long reasons are INVALID_INPUT with a field code, and nothing is recorded', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host);
    const f = (await callOk(host, 'compliance.gate', { courseId: course.id })).unacknowledged[0]!;
    for (const [reason, code] of [
      ['', 'reason.required'],
      [' \n\t ', 'reason.required'],
      ['理'.repeat(501), 'reason.tooLong'],
    ] as const) {
      const error = await callError(host, 'compliance.acknowledge', ackInput(course.id, f, reason));
      expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'reason', code }] });
    }
    expect(await callError(host, 'compliance.acknowledge', { ...ackInput(course.id, f, 'x'), reason: undefined })).toMatchObject({ code: 'INVALID_INPUT' });
    // 500 characters (an emoji counts once) is allowed.
    await callOk(host, 'compliance.acknowledge', ackInput(course.id, f, `${'理'.repeat(499)}😀`));
    expect((await callOk(host, 'compliance.auditTrail', { courseId: course.id })).total).toBe(1);
  });

  it('never acknowledges a block finding, an info hint or a finding the stored course does not have', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host);
    const gate = await callOk(host, 'compliance.gate', { courseId: course.id });
    const drug = gate.blocking.find((f) => f.category === 'drugs')!;
    expect(await callError(host, 'compliance.acknowledge', ackInput(course.id, drug, '只是举例'))).toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ path: 'rule', code: 'ack.blockFinding' }],
    });
    const invented = { ...ackInput(course.id, gate.unacknowledged[0]!, '理由'), text: '不存在的文字' };
    expect(await callError(host, 'compliance.acknowledge', invented)).toMatchObject({ code: 'NOT_FOUND', fields: [{ code: 'ack.noSuchFinding' }] });
    expect((await callOk(host, 'compliance.auditTrail', {})).total).toBe(0);
  });

  it('ties an acknowledgement to the rule and the matched text: moved text keeps it, changed text needs a new one', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host, { summary: '', chapters: [] });
    const [best] = (await callOk(host, 'compliance.gate', { courseId: course.id })).unacknowledged;
    expect(best!.text).toMatch(/^全网最/);
    await callOk(host, 'compliance.acknowledge', ackInput(course.id, best!, '第三方评测报告为证'));
    expect((await callOk(host, 'compliance.gate', { courseId: course.id })).allowed).toBe(true);

    const moved = await callOk(host, 'courses.save', saveInput(course, { title: '【新版】全网最好的小红书运营课' }));
    let gate = await callOk(host, 'compliance.gate', { courseId: course.id });
    expect(gate.allowed).toBe(true);
    const scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(scan.findings[0]!.location.start).toBe(best!.location.start + '【新版】'.length);

    await callOk(host, 'courses.save', saveInput(moved, { title: '全网最低价的小红书运营课' }));
    gate = await callOk(host, 'compliance.gate', { courseId: course.id });
    expect(gate.allowed).toBe(false);
    expect(gate.unacknowledged.map((f) => f.text)).toEqual([expect.stringMatching(/^全网最低价/)]);
  });

  it('revokes by appending to the trail, which the database itself keeps append-only', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    const course = await courseWithFindings(host, { summary: '', chapters: [] });
    const [best] = (await callOk(host, 'compliance.gate', { courseId: course.id })).unacknowledged;
    await callOk(host, 'compliance.acknowledge', ackInput(course.id, best!, '有证据'));
    const revoked = await callOk(host, 'compliance.revoke', { ...ackInput(course.id, best!, ''), reason: '证据过期' });
    expect(revoked).toMatchObject({ action: 'revoke', reason: '证据过期', text: best!.text, category: 'ad_absolute' });
    expect((await callOk(host, 'compliance.gate', { courseId: course.id })).allowed).toBe(false);
    // Nothing in force to revoke any more.
    expect(await callError(host, 'compliance.revoke', ackInput(course.id, best!, ''))).toMatchObject({ code: 'NOT_FOUND' });

    const trail = await callOk(host, 'compliance.auditTrail', { courseId: course.id });
    expect(trail.total).toBe(2);
    expect(trail.items.map((a) => [a.action, a.reason])).toEqual([
      ['revoke', '证据过期'],
      ['ack', '有证据'],
    ]);
    expect(trail.items[0]!.seq).toBeGreaterThan(trail.items[1]!.seq);
    expect(trail.items[0]!.createdAt > trail.items[1]!.createdAt).toBe(true);

    const db = new Database(path.join(dir, DB_FILE_NAME));
    try {
      expect(() => db.prepare("UPDATE compliance_acks SET reason = 'changed'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM compliance_acks').run()).toThrow(/append-only/);
      expect(() =>
        db
          .prepare(
            `INSERT INTO compliance_acks (course_id, target, target_id, field, rule, category, matched, action, reason, actor, actor_source, created_at)
             VALUES ('c', 'course', 'c', 'title', 'r', 'ad_absolute', 'x', 'ack', '   ', 'me', 'os', 'now')`,
          )
          .run(),
      ).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});

describe('who acknowledges', () => {
  it('records the bound team member when the companion knows one, else this computer\'s user', async () => {
    const dir = tempDir();
    const opened = openWorkspaceDatabase(dir);
    if (opened.state !== 'ready') throw new Error(opened.state);
    const db = opened.db;
    try {
      const courses = new CourseService(db);
      const compliance = new ComplianceService(db, courses);
      const course = courses.create({ title: '全网最好的课', type: 'article', priceFen: 0, summary: '' });
      const [finding] = compliance.gate(course.id).unacknowledged;
      let member: () => Promise<string | null> = async () => '王老板';
      const handlers = complianceHandlers({
        workspace: () => ({ compliance, courses }),
        teamMemberName: () => member(),
        locale: () => 'zh-CN',
        now: () => new Date(),
        log: () => {},
      });
      expect(await handlers['compliance.actor']({})).toEqual({ name: '王老板', source: 'team' });
      const ack = await handlers['compliance.acknowledge'](ackInput(course.id, finding!, '有依据'));
      expect(ack).toMatchObject({ actor: '王老板', actorSource: 'team' });

      member = async () => {
        throw new Error('companion unreachable');
      };
      expect(await handlers['compliance.actor']({})).toEqual({ name: osUserName(), source: 'os' });
      member = async () => null;
      expect(await handlers['compliance.actor']({})).toEqual({ name: os.userInfo().username, source: 'os' });
    } finally {
      db.close();
    }
  });
});

describe('publish readiness (提交发布)', () => {
  it('refuses with the list of what blocks, then marks the course ready once the gate passes', async () => {
    const host = freshHost();
    const course = await courseWithFindings(host);
    const refused = await callError(host, 'compliance.submitForPublish', { courseId: course.id });
    expect(refused.code).toBe('COMPLIANCE_BLOCKED');
    expect(refused.details).toEqual({ blocking: 1, unacknowledged: 3 });
    expect(refused.fields).toEqual(
      expect.arrayContaining([
        { path: 'lesson:l2.title', code: 'compliance.block.drugs' },
        { path: `course:${course.id}.title`, code: 'compliance.unacknowledged.ad_absolute' },
        { path: 'chapter:ch1.title', code: 'compliance.unacknowledged.edu_guarantee' },
      ]),
    );
    expect(await callOk(host, 'compliance.publishState', { courseId: course.id })).toMatchObject({ state: 'draft', changedBy: null });

    // Acknowledging everything acknowledgeable is not enough while something blocks.
    for (const f of (await callOk(host, 'compliance.gate', { courseId: course.id })).unacknowledged) {
      await callOk(host, 'compliance.acknowledge', ackInput(course.id, f, '已核实'));
    }
    expect((await callError(host, 'compliance.submitForPublish', { courseId: course.id })).details).toEqual({ blocking: 1, unacknowledged: 0 });

    const fixed = await callOk(host, 'courses.save', saveInput(course, {
      chapters: [{ id: 'ch1', title: '入门：保证通过考试', lessons: [{ id: 'l1', title: '开营' }, { id: 'l2', title: '识别毒品诈骗' }] }],
    }));
    const ready = await callOk(host, 'compliance.submitForPublish', { courseId: course.id });
    expect(ready).toMatchObject({ state: 'ready', withdrawnReason: null, changedBy: os.userInfo().username });
    expect(fixed.version).toBeGreaterThan(course.version);
  });

  it('keeps a ready course ready through harmless edits and withdraws it when an edit brings a new finding', async () => {
    const host = freshHost();
    const course = await callOk(host, 'courses.create', { title: '小红书运营入门' });
    expect(await callOk(host, 'compliance.submitForPublish', { courseId: course.id })).toMatchObject({ state: 'ready' });

    const v2 = await callOk(host, 'courses.save', saveInput(course, { summary: '从零开始做账号' }));
    expect(await callOk(host, 'compliance.publishState', { courseId: course.id })).toMatchObject({ state: 'ready' });

    await callOk(host, 'courses.save', saveInput(v2, { summary: '从零开始做账号，转发朋友圈领取资料包' }));
    expect(await callOk(host, 'compliance.publishState', { courseId: course.id })).toMatchObject({
      state: 'draft',
      withdrawnReason: 'findings',
      changedBy: null,
    });
  });

  it('withdraws a ready course when the team adds a term its text contains', async () => {
    const host = freshHost();
    const course = await callOk(host, 'courses.create', { title: '割韭菜的十种方法' });
    await callOk(host, 'compliance.submitForPublish', { courseId: course.id });
    const list = await callOk(host, 'compliance.createList', { name: '团队禁词', kind: 'flag' });
    await callOk(host, 'compliance.addTerms', { listId: list.id, terms: [{ term: '割韭菜', category: 'fraud' }] });
    expect(await callOk(host, 'compliance.publishState', { courseId: course.id })).toMatchObject({ state: 'draft', withdrawnReason: 'findings' });
    expect(await callOk(host, 'compliance.withdrawFromPublish', { courseId: course.id })).toMatchObject({ state: 'draft', withdrawnReason: null });
  });
});

describe('team term lists', () => {
  it('creates, renames, turns off and deletes lists; flagged and allowed terms change what the scan finds', async () => {
    const host = freshHost();
    const course = await callOk(host, 'courses.create', { title: '教你割韭菜，全网最好' });
    const before = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(before.findings.map((f) => f.category)).toEqual(['ad_absolute']);

    const flag = await callOk(host, 'compliance.createList', { name: ' 团队禁词 ', kind: 'flag' });
    expect(flag).toMatchObject({ name: '团队禁词', kind: 'flag', source: 'manual', enabled: true, termCount: 0 });
    expect(await callError(host, 'compliance.addTerms', { listId: flag.id, terms: [{ term: '割韭菜' }] })).toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ path: 'terms.0.category', code: 'term.categoryRequired' }],
    });
    expect(await callError(host, 'compliance.addTerms', { listId: flag.id, terms: [{ term: 'a\u0007b', category: 'fraud' }] })).toMatchObject({
      fields: [{ code: 'term.control' }],
    });
    const added = await callOk(host, 'compliance.addTerms', { listId: flag.id, terms: [{ term: '割韭菜', category: 'fraud' }, { term: '韭菜', category: 'fraud' }] });
    expect(added).toMatchObject({ added: 2, updated: 0, list: { termCount: 2 } });
    expect(await callOk(host, 'compliance.addTerms', { listId: flag.id, terms: [{ term: '割韭菜', category: 'finance' }] })).toMatchObject({ added: 0, updated: 1 });

    const allow = await callOk(host, 'compliance.createList', { name: '品牌', kind: 'allow' });
    await callOk(host, 'compliance.addTerms', { listId: allow.id, terms: [{ term: '全网最好' }] });

    let scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(scan.listsVersion).not.toBe(before.listsVersion);
    expect(scan.findings.map((f) => [f.text, f.category])).toContainEqual(['割韭菜', 'finance']);
    expect(scan.findings.some((f) => f.category === 'ad_absolute')).toBe(false);

    await callOk(host, 'compliance.updateList', { id: allow.id, enabled: false });
    await callOk(host, 'compliance.updateList', { id: flag.id, name: '禁词 v2' });
    scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(scan.findings.some((f) => f.category === 'ad_absolute')).toBe(true);

    expect(await callOk(host, 'compliance.removeTerms', { listId: flag.id, terms: ['割韭菜', '没有这个词'] })).toMatchObject({ removed: 1, list: { termCount: 1 } });
    expect(await callOk(host, 'compliance.listTerms', { listId: flag.id })).toEqual({ items: [{ term: '韭菜', category: 'fraud' }], total: 1 });
    expect(await callOk(host, 'compliance.deleteList', { id: flag.id })).toEqual({ id: flag.id });
    expect((await callOk(host, 'compliance.lists', {})).items.map((l) => [l.name, l.enabled])).toEqual([['品牌', false]]);
    expect(await callError(host, 'compliance.updateList', { id: flag.id, name: 'x' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'compliance.createList', { name: '  ', kind: 'flag' })).toMatchObject({ fields: [{ path: 'name', code: 'listName.required' }] });
  });

  it('builds the scanner once and again only after a list changes', () => {
    const dir = tempDir();
    const opened = openWorkspaceDatabase(dir);
    if (opened.state !== 'ready') throw new Error(opened.state);
    const db = opened.db;
    try {
      const builds: ScannerOptions[] = [];
      const courses = new CourseService(db);
      const service = new ComplianceService(db, courses, {
        createScanner: (options): Scanner => {
          builds.push(options);
          return createDefaultScanner(options);
        },
      });
      const course = courses.create({ title: '全网最好', type: 'article', priceFen: 0, summary: '' });
      service.scanCourse(course.id);
      service.gate(course.id);
      service.scannerConfig();
      expect(builds).toHaveLength(1);
      const list = service.createList({ name: 'x', kind: 'flag' });
      service.addTerms({ listId: list.id, terms: [{ term: '割韭菜', category: 'fraud' }] });
      service.gate(course.id);
      service.gate(course.id);
      expect(builds).toHaveLength(2);
      expect(builds[1]!.customTerms).toEqual([{ term: '割韭菜', category: 'fraud' }]);
    } finally {
      db.close();
    }
  });

  it('hands the renderer the enabled terms packed as text', async () => {
    const host = freshHost();
    const flag = await callOk(host, 'compliance.createList', { name: 'f', kind: 'flag' });
    await callOk(host, 'compliance.addTerms', { listId: flag.id, terms: [{ term: '割韭菜', category: 'fraud' }, { term: '包过', category: 'edu_guarantee' }] });
    const allow = await callOk(host, 'compliance.createList', { name: 'a', kind: 'allow' });
    await callOk(host, 'compliance.addTerms', { listId: allow.id, terms: [{ term: '最好学' }] });
    const config = await callOk(host, 'compliance.scannerConfig', {});
    expect(config.flagTerms.split('\n').sort()).toEqual(['割韭菜\tfraud', '包过\tedu_guarantee'].sort());
    expect(config.allowTerms).toBe('最好学');
    await callOk(host, 'compliance.updateList', { id: flag.id, enabled: false });
    const after = await callOk(host, 'compliance.scannerConfig', {});
    expect(after.flagTerms).toBe('');
    expect(after.listsVersion).not.toBe(config.listsVersion);
  });

  it('keeps the tenant\'s own domains (a host list) out of external-link findings, by exact or dot-suffix match', async () => {
    const host = freshHost();
    const course = await callOk(host, 'courses.create', { title: '占位' });
    await callOk(host, 'courses.save', saveInput(course, { summary: '报名：https://shop.qingmu-edu.cn/c/1 或 https://qingmu-edu.cn.evil.top' }));
    const linksOf = async () =>
      (await callOk(host, 'compliance.scanCourse', { courseId: course.id })).findings.filter((f) => f.category === 'external_link').map((f) => f.text);
    expect(await linksOf()).toEqual(['https://shop.qingmu-edu.cn/c/1', 'https://qingmu-edu.cn.evil.top']);

    const own = await callOk(host, 'compliance.createList', { name: '自有域名', kind: 'host' });
    const bad = await callError(host, 'compliance.addTerms', { listId: own.id, terms: [{ term: 'not a host' }] });
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.fields).toEqual([{ path: 'terms.0.term', code: 'term.hostInvalid' }]);
    await callOk(host, 'compliance.addTerms', { listId: own.id, terms: [{ term: 'https://QingMu-Edu.cn/' }] });
    expect(await linksOf()).toEqual(['https://qingmu-edu.cn.evil.top']);
    const config = await callOk(host, 'compliance.scannerConfig', {});
    expect(config.hosts).toBe('qingmu-edu.cn');
  });
});

describe('importing a word list', () => {
  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

  it('imports terms with and without a category column into a new list named after the file', async () => {
    const host = freshHost();
    const out = await callOk(host, 'compliance.importList', {
      fileName: 'C:\\lists\\团队词表.txt',
      dataBase64: b64('\uFEFF割韭菜\n# 注释\n\n包过,edu_guarantee\r\n稳赚不赔\t金融\n割韭菜\n!!!\n'),
      kind: 'flag',
      defaultCategory: 'fraud',
    });
    expect(out.list).toMatchObject({ name: '团队词表', source: 'import:C:\\lists\\团队词表.txt', termCount: 3 });
    expect(out).toMatchObject({ added: 3, updated: 0, skipped: 1 });
    const terms = await callOk(host, 'compliance.listTerms', { listId: out.list.id, limit: 10 });
    expect(terms.items).toEqual(
      expect.arrayContaining([
        { term: '割韭菜', category: 'fraud' },
        { term: '包过', category: 'edu_guarantee' },
        { term: '稳赚不赔', category: 'finance' },
      ]),
    );
    // Importing into the same list again updates instead of duplicating.
    const again = await callOk(host, 'compliance.importList', { fileName: 'x.txt', dataBase64: b64('割韭菜,finance\n新词'), kind: 'flag', defaultCategory: 'fraud', listId: out.list.id });
    expect(again).toMatchObject({ added: 1, updated: 1, list: { id: out.list.id, termCount: 4 } });
  });

  it('names the line of a malformed list and stores nothing', async () => {
    const host = freshHost();
    const error = await callError(host, 'compliance.importList', {
      fileName: 'bad.txt',
      dataBase64: b64('割韭菜\n包过,edu_guarantee\n稳赚\t不存在的类别\n最后一行'),
      kind: 'flag',
      defaultCategory: 'fraud',
    });
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'dataBase64', code: 'wordList.malformed' }] });
    expect(error.details).toMatchObject({ line: 3, reason: 'wordList.unknownCategory' });
    expect(String(error.details!.messageZh)).toContain('第 3 行');
    expect(error.message).toContain('Line 3');
    expect((await callOk(host, 'compliance.lists', {})).items).toEqual([]);
  });

  it('refuses binary, non-UTF-8, empty, over-large files and lines without a category, saying which line', async () => {
    const host = freshHost();
    const gbk = Buffer.concat([Buffer.from('第一行\n'), Buffer.from([0xd7, 0xee, 0xba, 0xc3]), Buffer.from('\n')]);
    const cases: Array<[Buffer | string, string, number | undefined]> = [
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), 'wordList.binary', 3],
      [gbk, 'wordList.notUtf8', 2],
      ['', 'wordList.empty', undefined],
      ['\n\n# 只有注释\n', 'wordList.malformed', 0],
    ];
    for (const [data, code, line] of cases) {
      const error = await callError(host, 'compliance.importList', { fileName: 'f.txt', dataBase64: b64(data), kind: 'flag', defaultCategory: 'fraud' });
      expect(error.fields?.[0]?.code).toBe(code);
      if (line !== undefined) expect(error.details?.line).toBe(line);
    }
    const noCategory = await callError(host, 'compliance.importList', { fileName: 'f.txt', dataBase64: b64('割韭菜'), kind: 'flag' });
    expect(noCategory.details).toMatchObject({ line: 1, reason: 'wordList.noCategory' });
    // Over 8 MB never reaches the parser: the contract refuses the input's size.
    const big = await callError(host, 'compliance.importList', { fileName: 'big.txt', dataBase64: 'A'.repeat(12 * 1024 * 1024), kind: 'allow' });
    expect(big).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'dataBase64', code: 'wordList.tooLarge' }] });
    expect((await callOk(host, 'compliance.lists', {})).items).toEqual([]);
  });

  it('takes regex-like terms literally: they match as text and cannot blow up the scan', async () => {
    const host = freshHost();
    const out = await callOk(host, 'compliance.importList', { fileName: 're.txt', dataBase64: b64('(a+)+$\n.*\n[^x]{1000}\n'), kind: 'flag', defaultCategory: 'fraud' });
    // ".*" has no letter to match and is skipped; the others are terms like any other.
    expect(out).toMatchObject({ added: 2, skipped: 1 });
    const course = await callOk(host, 'courses.create', { title: 'a'.repeat(60) + '!' });
    // Matched literally, the backtracking input is one linear pass; were it a regular expression, the test would hang.
    const scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    expect(scan.findings).toEqual([]);
    const literal = await callOk(host, 'courses.create', { title: '正则 (a+)+$ 写法' });
    expect((await callOk(host, 'compliance.scanCourse', { courseId: literal.id })).findings.map((f) => f.rule)).toContain('custom.fraud');
  });
});

/** The [start, end] code point ranges of a font's format-12 cmap. */
function cmapGroups(font: Buffer): Array<[number, number]> {
  const tables = font.readUInt16BE(4);
  for (let i = 0; i < tables; i++) {
    if (font.toString('latin1', 12 + i * 16, 16 + i * 16) !== 'cmap') continue;
    const cmap = font.readUInt32BE(20 + i * 16);
    const sub = cmap + font.readUInt32BE(cmap + 8);
    expect(font.readUInt16BE(sub)).toBe(12);
    return Array.from({ length: font.readUInt32BE(sub + 12) }, (_, g) => [font.readUInt32BE(sub + 16 + g * 12), font.readUInt32BE(sub + 20 + g * 12)]);
  }
  throw new Error('no cmap');
}

describe('reports', () => {
  async function acknowledgedCourse(host: StudioHost) {
    const course = await courseWithFindings(host, {
      title: '<script>alert("x")</script>全网最好的课 & "引号"',
      summary: '<img src=x onerror=alert(1)>转发朋友圈领取资料包',
    });
    const gate = await callOk(host, 'compliance.gate', { courseId: course.id });
    const best = gate.unacknowledged.find((f) => f.category === 'ad_absolute')!;
    await callOk(host, 'compliance.acknowledge', ackInput(course.id, best, '有 <b>第三方</b> 报告 & 证书'));
    return course;
  }

  it('exports one self-contained, escaped HTML file grouped by severity and category, with who acknowledged what and why', async () => {
    const host = freshHost();
    const course = await acknowledgedCourse(host);
    const { fileName, html } = await callOk(host, 'compliance.exportHtml', { courseId: course.id, locale: 'zh-CN' });
    expect(fileName).toMatch(/^合规报告-.+-\d{4}-\d{2}-\d{2}\.html$/);
    expect(fileName).not.toMatch(/[<>"/\\]/);

    // Nothing the creator typed becomes markup.
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>第三方');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('有 &lt;b&gt;第三方&lt;/b&gt; 报告 &amp; 证书');
    // Self-contained: no external resources, scripts forbidden by its own policy.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|src=["']?https?:|url\(/i);
    expect(html).toContain('@media print');

    // Grouped by severity, then category: block first.
    const order = [...html.matchAll(/<section class="sev-(\w+)" data-category="(\w+)">/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(order[0]).toBe('block:drugs');
    expect(order).toEqual(expect.arrayContaining(['must_fix:ad_absolute', 'must_fix:edu_guarantee', 'must_fix:induce_share']));
    expect(order.indexOf('block:drugs')).toBeLessThan(order.indexOf('must_fix:ad_absolute'));
    expect(html).toContain('《广告法》第九条第三项');
    expect(html).toContain('建议');
    expect(html).toContain(`${escapeHtml(os.userInfo().username)} 于`);
    expect(html).toContain('尚未确认');
    expect(html).toContain('第 1 章第 2 课时「私下出售冰毒的渠道」标题');

    const en = await callOk(host, 'compliance.exportHtml', { courseId: course.id, locale: 'en-US' });
    expect(en.fileName).toMatch(/^compliance-report-.+\.html$/);
    expect(en.html).toContain('<html lang="en-US">');
    expect(en.html).toContain('Acknowledged by');
  });

  it('renders the same report as a PDF with an embedded Simplified Chinese font', async () => {
    const host = freshHost();
    const course = await acknowledgedCourse(host);
    const { fileName, dataBase64 } = await callOk(host, 'compliance.exportPdf', { courseId: course.id });
    const pdf = Buffer.from(dataBase64, 'base64');
    expect(fileName).toMatch(/\.pdf$/);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/Type\s*\/Page\b/);
    expect(raw).toMatch(/\/FontFile\d?|\/FontDescriptor/);
    // The Simplified Chinese face, not the collection's first (Japanese) one.
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    // Copying or searching the text gives 网 (U+7F51), not the Kangxi radical ⽹ (U+2F79) that shares its glyph.
    const toUnicode = [...raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)]
      .map((m) => {
        try {
          return zlib.inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
        } catch {
          return '';
        }
      })
      .filter((text) => text.includes('beginbfchar') || text.includes('beginbfrange'))
      .join('\n');
    expect(toUnicode).toContain('<7F51>');
    expect(toUnicode).not.toMatch(/<2F[0-9A-D][0-9A-F]>|<2E[89A-F][0-9A-F]>/);
  });

  it('cuts the Simplified Chinese face out of the Noto CJK collection', () => {
    const ttc = fs.readFileSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    const face = extractFace(ttc, /CJK SC\b/);
    expect(face.readUInt32BE(0)).toBe(0x4f54544f); // 'OTTO': a standalone CFF OpenType font
    expect(face.length).toBeLessThan(ttc.length);
    expect(GlobalFonts.register(face, 'ExtractedForTest')).not.toBeNull();
    // Its cmap maps 网 but no radical (the PDF text layer would otherwise read 网 back as ⽹).
    const mapped = cmapGroups(face);
    const covers = (cp: number) => mapped.some(([a, b]) => cp >= a && cp <= b);
    expect(covers(0x7f51)).toBe(true);
    expect(covers(0x2f79)).toBe(false);
    expect(mapped.some(([a, b]) => b >= 0x2e80 && a <= 0x2fdf)).toBe(false);
    expect(covers(0x4e00) && covers(0x9fa5) && covers(0x41)).toBe(true);
    expect(reportFont()).toBe('CreatorStudioReportCJK');
  });

  it('answers NOT_CONFIGURED instead of drawing empty boxes when no Chinese font exists', () => {
    expect(() => renderReportPdf({} as never, { font: null })).toThrow(expect.objectContaining({ code: 'NOT_CONFIGURED' }));
  });

  it('wraps Chinese anywhere and keeps Latin words whole', () => {
    const measure = (s: string) => [...s].length * 10;
    expect(wrapText(measure, '一二三四五六七八九十', 40)).toEqual(['一二三四', '五六七八', '九十']);
    expect(wrapText(measure, 'hello world 你好', 60)).toEqual(['hello', 'world', '你好']);
    expect(wrapText(measure, 'https://example.com/very/long', 100)).toEqual(['https://ex', 'ample.com/', 'very/long']);
  });
});
