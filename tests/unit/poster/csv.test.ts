/** Batch CSV reading (RFC 4180 with a BOM, quotes, Chinese headings) and file names from the creator's pattern. */
import { describe, expect, it } from 'vitest';
import { CsvError, fileNameFromPattern, parseBatchCsv, parseCsvRows, uniqueNames } from '../../../shared/poster/index';

function csvError(text: string): CsvError {
  try {
    parseBatchCsv(text);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('CSV', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside fields, CRLF and a BOM', () => {
    const rows = parseCsvRows('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z');
    expect(rows).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x, y', 'say "hi"'], line: 2 },
      { fields: ['two\nlines', 'z'], line: 3 },
    ]);
  });

  it('maps Chinese and English headings to variables and keeps other columns by name', () => {
    const people = parseBatchCsv('昵称,头像,邀请码,打卡天数,Course Title,备注\n小明,,XM01,12,写作课,好学\n\n,,,,,\n');
    expect(people).toEqual([{ line: 2, values: { nickname: '小明', avatar: '', inviteCode: 'XM01', streakDays: '12', courseTitle: '写作课', 备注: '好学' } }]);
  });

  it('names the line of every problem', () => {
    expect(csvError('昵称,邀请码\n小明,1\n小红\n')).toMatchObject({ code: 'csv.columnCount', line: 3 });
    expect(csvError('昵称\n"小明\n小红\n')).toMatchObject({ code: 'csv.unclosedQuote', line: 2 });
    expect(csvError('昵称\n小"明\n')).toMatchObject({ code: 'csv.badQuote', line: 2 });
    expect(csvError('昵称\n"小明"x\n')).toMatchObject({ code: 'csv.badQuote', line: 2 });
    expect(csvError('邀请码\n1\n')).toMatchObject({ code: 'csv.noNickname', line: 1 });
    expect(csvError('昵称,name\n1,2\n')).toMatchObject({ code: 'csv.duplicateHeader', line: 1 });
    expect(csvError('')).toMatchObject({ code: 'csv.empty' });
    // A line number counts physical lines: a quoted field spanning two lines pushes the next row down.
    expect(csvError('昵称,备注\n小明,"a\nb"\n小红\n')).toMatchObject({ code: 'csv.columnCount', line: 4 });
  });
});

describe('file names', () => {
  it('fills the pattern and removes what file systems refuse', () => {
    expect(fileNameFromPattern('{{nickname}}-{{index}}', { nickname: '小明/小红:*?' }, 3)).toBe('小明_小红_-3');
    expect(fileNameFromPattern('{{nickname}}', { nickname: '..' }, 1)).toBe('poster-1');
    expect(fileNameFromPattern('{{nickname}}', { nickname: 'CON' }, 2)).toBe('poster-2-CON');
    expect(fileNameFromPattern('{{nickname}}.', { nickname: 'a' }, 1)).toBe('a');
    expect([...fileNameFromPattern('{{nickname}}', { nickname: '长'.repeat(200) }, 1)]).toHaveLength(80);
  });

  it('makes names unique, ignoring case', () => {
    expect(uniqueNames(['小明', '小明', 'Ann', 'ann', '小明 (2)'])).toEqual(['小明', '小明 (2)', 'Ann', 'ann (2)', '小明 (2) (2)']);
  });
});
