import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_CLOSE as C, HIGHLIGHT_OPEN as O, parseSearchQuery, searchText, snippetSegments, unmark } from '../../../shared/search/query';

describe('parseSearchQuery', () => {
  it('splits on ASCII and full-width spaces and sorts terms by what can use trigrams', () => {
    expect(parseSearchQuery('  手机摄影\u3000构图 a  手机摄影 ')).toEqual({ indexed: ['手机摄影'], short: ['构图', 'a'] });
    // Code points, not UTF-16 units: two emoji are 2 characters.
    expect(parseSearchQuery('📷📸')).toEqual({ indexed: [], short: ['📷📸'] });
  });
});

describe('snippets', () => {
  it('splits highlight() output and keeps stored marker characters from faking highlights', () => {
    expect(unmark(`学习${O}摄影构图${C}入门`)).toEqual({ text: '学习摄影构图入门', ranges: [{ start: 2, end: 6 }] });
    expect(searchText(`假${O}标记${C}`)).toBe('假\uFFFD标记\uFFFD');
  });

  it('cuts a window around the first hit with ellipses, never inside a surrogate pair', () => {
    const text = `${'前'.repeat(40)}命中${'后'.repeat(40)}`;
    const segments = snippetSegments(text, [{ start: 40, end: 42 }], 20, 5);
    expect(segments).toEqual([
      { text: `…${'前'.repeat(5)}`, hit: false },
      { text: '命中', hit: true },
      { text: `${'后'.repeat(13)}…`, hit: false },
    ]);
    const emoji = snippetSegments(`${'📷'.repeat(20)}中`, [{ start: 40, end: 41 }], 7, 2);
    for (const s of emoji) expect(s.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
