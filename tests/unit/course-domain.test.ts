import { describe, expect, it } from 'vitest';
import {
  COURSE_LIMITS,
  charLength,
  checkOutlineTitle,
  checkPriceFen,
  checkSummary,
  checkTitle,
  countLessons,
  formatFen,
  formatPrice,
  parsePriceInput,
  priceInputValue,
  validateCourseDraft,
} from '../../shared/domain/course';

describe('parsePriceInput', () => {
  it.each([
    ['99', 9900],
    ['19.9', 1990],
    ['19.90', 1990],
    ['0.01', 1],
    ['.5', 50],
    ['5.', 500],
    ['+5', 500],
    ['007', 700],
    ['¥1,299.00', 129900],
    ['￥ 1,299', 129900],
    ['  12.5  ', 1250],
    ['１９.９', 1990],
    ['￥１，２９９．００', 129900],
    ['999999.99', COURSE_LIMITS.maxPriceFen],
    ['0', 0],
    ['9.990', 999],
  ])('reads %j as %i fen', (input, fen) => {
    expect(parsePriceInput(input)).toEqual({ ok: true, fen });
  });

  it('parses "0.29" as exactly 29 fen, which floating point would get wrong', () => {
    expect(0.29 * 100).not.toBe(29); // 28.999999999999996: the trap the parser must not fall into
    expect(parsePriceInput('0.29')).toEqual({ ok: true, fen: 29 });
    expect(parsePriceInput('1.13')).toEqual({ ok: true, fen: 113 });
  });

  it('accepts "-0" as a free course and refuses any other negative price', () => {
    expect(parsePriceInput('-0')).toEqual({ ok: true, fen: 0 }); // toEqual tells 0 from -0: no negative zero leaks out
    expect(parsePriceInput('-0.00')).toEqual({ ok: true, fen: 0 });
    expect(parsePriceInput('-1')).toEqual({ ok: false, code: 'price.negative' });
    expect(parsePriceInput('-0.01')).toEqual({ ok: false, code: 'price.negative' });
  });

  it('refuses fractions of a fen, but not trailing zeros', () => {
    expect(parsePriceInput('9.999')).toEqual({ ok: false, code: 'price.fractionalFen' });
    expect(parsePriceInput('0.001')).toEqual({ ok: false, code: 'price.fractionalFen' });
    expect(parsePriceInput('9.99000')).toEqual({ ok: true, fen: 999 });
  });

  it.each(['abc', '1.2.3', '.', '1e3', '12a', '0x10', '1-2', '--1'])('refuses %j as not a number', (input) => {
    expect(parsePriceInput(input)).toEqual({ ok: false, code: 'price.notNumber' });
  });

  it.each(['', '   ', '¥', '￥ '])('asks for a price when given %j', (input) => {
    expect(parsePriceInput(input)).toEqual({ ok: false, code: 'price.required' });
  });

  it('refuses prices above the limit, however many digits', () => {
    expect(parsePriceInput('1000000')).toEqual({ ok: false, code: 'price.tooLarge' });
    expect(parsePriceInput('12345678901234567890')).toEqual({ ok: false, code: 'price.tooLarge' });
    expect(parsePriceInput('0000000000001')).toEqual({ ok: true, fen: 100 });
  });

  it('round-trips the value the price field shows', () => {
    for (const fen of [0, 1, 29, 1990, 129900, COURSE_LIMITS.maxPriceFen]) {
      expect(parsePriceInput(priceInputValue(fen))).toEqual({ ok: true, fen });
    }
  });
});

describe('formatFen and formatPrice', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [29, '0.29'],
    [1990, '19.90'],
    [100000, '1,000.00'],
    [129900, '1,299.00'],
    [99_999_999, '999,999.99'],
    [-150, '-1.50'],
  ])('formats %i fen as %j', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('puts the yuan sign in front for display', () => {
    expect(formatPrice(1990)).toBe('¥19.90');
    expect(formatPrice(0)).toBe('¥0.00');
  });
});

describe('checkTitle', () => {
  it('requires a title that is more than whitespace', () => {
    expect(checkTitle('')).toBe('title.required');
    expect(checkTitle(' \t\n　')).toBe('title.required'); // includes an ideographic space
    expect(checkTitle('课')).toBeNull();
  });

  it('allows exactly 64 CJK characters and refuses 65', () => {
    expect(checkTitle('课'.repeat(64))).toBeNull();
    expect(checkTitle('课'.repeat(65))).toBe('title.tooLong');
  });

  it('counts an emoji as one character, not as two UTF-16 units', () => {
    const emoji = '😀'.repeat(64);
    expect(emoji.length).toBe(128);
    expect(charLength(emoji)).toBe(64);
    expect(checkTitle(emoji)).toBeNull();
    expect(checkTitle(`${emoji}😀`)).toBe('title.tooLong');
  });

  it('measures the title without its surrounding whitespace', () => {
    expect(checkTitle(`  ${'课'.repeat(64)}  `)).toBeNull();
  });
});

describe('other field checks', () => {
  it('checks outline titles like course titles, with their own codes', () => {
    expect(checkOutlineTitle('  ')).toBe('outlineTitle.required');
    expect(checkOutlineTitle('节'.repeat(64))).toBeNull();
    expect(checkOutlineTitle('节'.repeat(65))).toBe('outlineTitle.tooLong');
  });

  it('limits the summary to 1000 characters', () => {
    expect(checkSummary('')).toBeNull();
    expect(checkSummary('字'.repeat(1000))).toBeNull();
    expect(checkSummary('字'.repeat(1001))).toBe('summary.tooLong');
  });

  it.each([
    [0, null],
    [COURSE_LIMITS.maxPriceFen, null],
    [-1, 'price.negative'],
    [1.5, 'price.fractionalFen'],
    [COURSE_LIMITS.maxPriceFen + 1, 'price.tooLarge'],
    [Number.NaN, 'price.notNumber'],
    [Number.POSITIVE_INFINITY, 'price.notNumber'],
  ])('checkPriceFen(%d) is %j', (fen, code) => {
    expect(checkPriceFen(fen)).toBe(code);
  });
});

describe('validateCourseDraft', () => {
  const valid = {
    title: '小红书运营',
    priceFen: 1990,
    summary: '',
    chapters: [{ id: 'c1', title: '第一章', lessons: [{ id: 'l1', title: '第一节' }] }],
  };

  it('finds nothing wrong with a valid draft', () => {
    expect(validateCourseDraft(valid)).toEqual([]);
  });

  it('lists every problem with its dotted path, in field order', () => {
    const issues = validateCourseDraft({
      title: ' ',
      priceFen: -5,
      summary: '字'.repeat(1001),
      chapters: [
        { id: 'c1', title: '第一章', lessons: [{ id: 'l1', title: '' }] },
        { id: 'c2', title: '', lessons: [{ id: 'l2', title: '好' }, { id: 'l3', title: '节'.repeat(65) }] },
      ],
    });
    expect(issues).toEqual([
      { path: 'title', code: 'title.required' },
      { path: 'priceFen', code: 'price.negative' },
      { path: 'summary', code: 'summary.tooLong' },
      { path: 'chapters.0.lessons.0.title', code: 'outlineTitle.required' },
      { path: 'chapters.1.title', code: 'outlineTitle.required' },
      { path: 'chapters.1.lessons.1.title', code: 'outlineTitle.tooLong' },
    ]);
  });

  it('counts lessons across chapters', () => {
    expect(countLessons([])).toBe(0);
    expect(countLessons([...valid.chapters, { id: 'c2', title: 'x', lessons: [{ id: 'a', title: 'a' }, { id: 'b', title: 'b' }] }])).toBe(3);
  });
});
