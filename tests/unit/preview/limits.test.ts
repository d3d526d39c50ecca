import { describe, expect, it } from 'vitest';
import table from '../../../shared/preview/data/limits.json' with { type: 'json' };
import {
  DEFAULT_LIMIT_CHOICES,
  LIMITS_TABLE,
  LIMIT_CHOICE_IDS,
  chosenLimit,
  cutTo,
  lengthIn,
  limit,
  parseLimitsTable,
  templateLength,
} from '../../../shared/preview/limits';
import { digestOf, articleBody, templateRows } from '../../../shared/preview/course-text';

describe('the limits table', () => {
  it('is versioned, and every number has a unit, a known source and a date field', () => {
    expect(LIMITS_TABLE.schemaVersion).toBe(1);
    expect(LIMITS_TABLE.edition).toBeGreaterThanOrEqual(1);
    for (const l of LIMITS_TABLE.limits) {
      expect(LIMITS_TABLE.sources[l.source], l.id).toBeDefined();
      expect(l).toHaveProperty('date');
      if (l.date !== null) expect(l.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('refuses a table with a dangling source, an unknown option or a default that is not an option', () => {
    const copy = () => JSON.parse(JSON.stringify(table)) as typeof table;
    const badSource = copy();
    badSource.limits[0]!.source = 'W999';
    expect(() => parseLimitsTable(badSource)).toThrow(/unknown source/);
    const badOption = copy();
    badOption.choices[0]!.options.push('oa.title.nope');
    expect(() => parseLimitsTable(badOption)).toThrow(/unknown limit/);
    const badDefault = copy();
    badDefault.choices[0]!.default = 'oa.digest.backend';
    expect(() => parseLimitsTable(badDefault)).toThrow(/not an option/);
  });

  it('has the numbers of wechat-surfaces.md, each with its source', () => {
    expect(limit('oa.title.draftApi')).toMatchObject({ value: 32, unit: 'chars', source: 'W2' });
    expect(limit('oa.title.backend')).toMatchObject({ value: 64, unit: 'chars', source: 'T2', date: '2023-06-10' });
    expect(limit('oa.title.massSendBytes')).toMatchObject({ value: 64, unit: 'bytes', source: 'W1', date: '2023-05-11' });
    expect(limit('oa.digest.draftApi')).toMatchObject({ value: 128, source: 'W2' });
    expect(limit('oa.digest.backend')).toMatchObject({ value: 120, source: 'T2' });
    expect(limit('oa.digestFallback.current').value).toBe(54);
    expect(limit('oa.digestFallback.legacy').value).toBe(64);
    expect(limit('wecom.link.titleBytes')).toMatchObject({ value: 64, unit: 'bytes', date: '2025-07-11' });
    expect(limit('wecom.link.descBytes')).toMatchObject({ value: 512, unit: 'bytes' });
    expect(limit('template.valueChars')).toMatchObject({ value: 20, unit: 'templateChars' });
    expect(limit('mp.title.lines')).toMatchObject({ value: 2, date: '2024-04-24' });
  });

  it('defaults every CONFLICT to the current documentation (the draft API)', () => {
    expect(LIMIT_CHOICE_IDS).toHaveLength(3);
    expect(chosenLimit(DEFAULT_LIMIT_CHOICES, 'oa.titleLimit').value).toBe(32);
    expect(chosenLimit(DEFAULT_LIMIT_CHOICES, 'oa.digestLimit').value).toBe(128);
    expect(chosenLimit(DEFAULT_LIMIT_CHOICES, 'oa.digestFallback').value).toBe(54);
    expect(chosenLimit({ 'oa.titleLimit': 'oa.title.massSendBytes' }, 'oa.titleLimit').unit).toBe('bytes');
    // A stale or foreign option falls back to the default.
    expect(chosenLimit({ 'oa.titleLimit': 'wecom.link.titleBytes' }, 'oa.titleLimit').id).toBe('oa.title.draftApi');
  });
});

describe('counting as each surface counts', () => {
  it('counts a template value with runs of letters and digits as one character [T4]', () => {
    expect(templateLength('2024年AI写作训练营')).toBe(8);
    expect(templateLength('Python 3.12 入门')).toBe(8); // Python, space, 3, ., 12, space, 入, 门
    // 第 100 期 AI 写 作 训 练 营 ， 从 零 开 始 写 出 爆 款 文 章 — twenty units, however many letters and digits.
    expect(templateLength('第100期AI写作训练营，从零开始写出爆款文章')).toBe(20);
    expect(cutTo('templateChars', '第100期AI写作训练营，从零开始写出爆款文章！', 20)).toBe('第100期AI写作训练营，从零开始写出爆款文章');
  });

  it('cuts to a byte limit without splitting a character: 21 Chinese characters fit in 64 bytes', () => {
    const title = '二十二个汉字的企业微信链接卡片标题会被截断';
    expect(lengthIn('bytes', title)).toBe(63);
    const longer = `${title}了`;
    expect(lengthIn('bytes', longer)).toBe(66);
    expect(cutTo('bytes', longer, 64)).toBe(title);
    expect(cutTo('bytes', 'AB😀C', 5)).toBe('AB');
  });

  it('counts characters as code points (an emoji is one)', () => {
    expect(lengthIn('chars', '写作😀')).toBe(3);
  });
});

describe('the digest', () => {
  const chapters = [{ title: '第一周：开始写', lessons: [{ title: '找到你的主题' }, { title: '每天三百字' }] }];

  it('is the summary on one line, cut to the digest limit in force', () => {
    const summary = '字'.repeat(130);
    expect(digestOf({ summary, chapters }, DEFAULT_LIMIT_CHOICES)).toMatchObject({ text: '字'.repeat(128), fromBody: false, length: 130, limit: 128 });
    expect(digestOf({ summary, chapters }, { 'oa.digestLimit': 'oa.digest.backend' }).text).toBe('字'.repeat(120));
  });

  it('comes from the first 54 characters of the body when the summary is empty (64 by the older docs)', () => {
    const long = [{ title: '第一章'.repeat(10), lessons: [{ title: '课时'.repeat(20) }] }];
    const body = articleBody({ summary: '', chapters: long });
    const current = digestOf({ summary: '  \n ', chapters: long }, DEFAULT_LIMIT_CHOICES);
    expect(current.fromBody).toBe(true);
    expect([...current.text]).toHaveLength(54);
    expect(body.startsWith(current.text)).toBe(true);
    expect([...digestOf({ summary: '', chapters: long }, { 'oa.digestFallback': 'oa.digestFallback.legacy' }).text]).toHaveLength(64);
    expect(digestOf({ summary: '', chapters }, DEFAULT_LIMIT_CHOICES).text).toBe('第一周：开始写 找到你的主题 每天三百字');
  });
});

describe('template message rows', () => {
  it('names the course, its type, price and size', () => {
    expect(templateRows({ title: '写作课', type: 'camp', priceFen: 19990, chapters: [{ title: 'a', lessons: [{ title: 'b' }] }] })).toEqual([
      ['课程名称', '写作课'],
      ['课程类型', '训练营'],
      ['课程价格', '¥199.90'],
      ['课程内容', '1 章 · 1 课时'],
    ]);
  });
});
