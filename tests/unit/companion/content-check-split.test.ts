/**
 * How the companion cuts long text for msg_sec_check (2,500 characters a call), and the label table it answers with.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../shared/compliance/types';
import { SEC_LABELS, secLabelInfo } from '../../../shared/companion/api';
import { splitForSecCheck, type TextSpan } from '../../../electron/companion/services/content-check';

/** Spans must tile the text exactly and respect the limit. */
function expectTiling(text: string, spans: TextSpan[], max: number): void {
  expect(spans[0]?.start ?? 0).toBe(0);
  expect(spans.at(-1)?.end ?? 0).toBe(text.length);
  for (const [i, span] of spans.entries()) {
    expect(span.end - span.start).toBeLessThanOrEqual(max);
    expect(span.end).toBeGreaterThan(span.start);
    if (i > 0) expect(span.start).toBe(spans[i - 1]!.end);
  }
}

describe('splitForSecCheck', () => {
  it('keeps text of at most the limit whole, and gives no span for empty text', () => {
    expect(splitForSecCheck('x'.repeat(2500))).toEqual([{ start: 0, end: 2500 }]);
    expect(splitForSecCheck('')).toEqual([]);
  });

  it('cuts after the last sentence end that fits, taking closing quotes along', () => {
    const text = '甲乙丙。“丁戊己！”庚辛壬癸子丑';
    const spans = splitForSecCheck(text, 10);
    expectTiling(text, spans, 10);
    expect(spans[0]).toEqual({ start: 0, end: text.indexOf('”') + 1 });
    expect(splitForSecCheck('One two. Three four. Five', 12)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 20 },
      { start: 20, end: 25 },
    ]);
    // A dot inside a number or a domain is no sentence end.
    expect(splitForSecCheck('3.14159 example.com ok', 10)[0]).toEqual({ start: 0, end: 8 });
  });

  it('falls back to a comma or space, then to a hard cut that never splits a surrogate pair', () => {
    expect(splitForSecCheck('甲乙丙，丁戊己庚辛壬癸', 8)[0]).toEqual({ start: 0, end: 4 });
    const emoji = `${'x'.repeat(9)}${'📚'.repeat(5)}`;
    const spans = splitForSecCheck(emoji, 10);
    expectTiling(emoji, spans, 10);
    expect(spans[0]).toEqual({ start: 0, end: 9 });
    for (const span of spans) expect(emoji.slice(span.start, span.end)).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('tiles a 20,000-character text in chunks of at most 2,500', () => {
    let text = '';
    for (let i = 0; text.length < 20_000; i++) text += `第${i}段${'字'.repeat(i % 97)}。`;
    text = text.slice(0, 20_000);
    const spans = splitForSecCheck(text);
    expectTiling(text, spans, 2500);
    expect(spans.length).toBeLessThanOrEqual(9);
  });
});

describe('the msg_sec_check label table', () => {
  it('maps labels to our categories as compliance-rules.md §1.2 aligns them, with real category ids only', () => {
    for (const info of Object.values(SEC_LABELS)) for (const category of info.categories) expect(CATEGORIES).toContain(category);
    expect(secLabelInfo(20001).categories).toEqual(['politics']);
    expect(secLabelInfo(20006).categories).toEqual(['gambling', 'drugs']);
    expect(secLabelInfo(20008).categories).toEqual(['fraud']);
    expect(secLabelInfo(21000).categories).toEqual(['personal_data']);
    expect(secLabelInfo(20003).categories).toEqual([]);
    // Every category of ours has a label that covers it.
    const covered = new Set(Object.values(SEC_LABELS).flatMap((i) => i.categories));
    expect([...CATEGORIES].filter((c) => !covered.has(c))).toEqual([]);
    expect(secLabelInfo(29999)).toEqual({ name: { zh: '标签 29999', en: 'Label 29999' }, categories: [] });
  });
});
