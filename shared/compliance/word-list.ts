/**
 * Word lists a team imports: one term per line, optionally followed by a category column (after a tab, a comma or
 * the last space); a line of comma-separated terms is several terms given as our category id, a Chinese label (政治, 色情 …) or houbb/sensitive-word's numeric tags
 * (0 政治, 1 毒品, 2 色情, 3 赌博, 4 违法). Terms are matched literally (never as regular expressions), so a
 * regex-like line cannot blow up the scanner.
 */
import { CATEGORIES, type Category, type CustomTerm } from './types';

export const WORD_LIST_LIMITS = { maxTerms: 200_000, maxTermChars: 64, maxLineChars: 1_000 } as const;

export type WordListErrorCode = 'wordList.binary' | 'wordList.invalidText' | 'wordList.unknownCategory' | 'wordList.noCategory' | 'wordList.lineTooLong' | 'wordList.tooManyTerms' | 'wordList.empty';

export interface WordListError {
  /** 1-based line number (0 when the problem is the whole file). */
  line: number;
  code: WordListErrorCode;
  message: { zh: string; en: string };
}

export type WordListResult =
  | { ok: true; terms: CustomTerm[]; skipped: number; skippedLines: number[] }
  | { ok: false; error: WordListError };

const LABELS: Record<string, Category> = {
  政治: 'politics', 时政: 'politics', 涉政: 'politics',
  毒品: 'drugs', 涉毒: 'drugs',
  色情: 'porn', 涉黄: 'porn', 低俗: 'porn',
  赌博: 'gambling', 涉赌: 'gambling',
  违法: 'fraud', 欺诈: 'fraud', 诈骗: 'fraud',
  诱导分享: 'induce_share', 诱导关注: 'induce_follow', 绝对化用语: 'ad_absolute', 教育承诺: 'edu_guarantee',
  金融: 'finance', 医疗: 'medical', 个人信息: 'personal_data', 外链: 'external_link', 外部链接: 'external_link',
  '0': 'politics', '1': 'drugs', '2': 'porn', '3': 'gambling', '4': 'fraud',
};

function categoryOf(raw: string): Category | null | undefined {
  const value = raw.trim();
  if (value === '') return null;
  if ((CATEGORIES as readonly string[]).includes(value)) return value as Category;
  // houbb tags may list several ("0,4"): the first decides.
  const first = value.split(/[,，|]/)[0]?.trim() ?? '';
  return LABELS[first] ?? LABELS[value];
}

function fail(line: number, code: WordListErrorCode, zh: string, en: string): WordListResult {
  return { ok: false, error: { line, code, message: { zh, en } } };
}

export function parseWordList(text: string, opts: { defaultCategory?: Category } = {}): WordListResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.includes('\u0000')) {
    const line = body.slice(0, body.indexOf('\u0000')).split(/\r\n|\n|\r/).length;
    return fail(line, 'wordList.binary', `第 ${line} 行含有 NUL 字节：这是二进制文件，不是文本词表。`, `Line ${line} contains a NUL byte: this is a binary file, not a text word list.`);
  }
  const lines = body.split(/\r\n|\n|\r/);
  const terms: CustomTerm[] = [];
  const seen = new Set<string>();
  const skippedLines: number[] = [];
  let skipped = 0;
  let controlLines = 0;
  const skip = (lineNo: number) => {
    skipped++;
    if (skippedLines.length < 20) skippedLines.push(lineNo);
  };
  const add = (term: string, category: Category, lineNo: number): WordListResult | null => {
    // Terms without a letter (punctuation-only stop words) and overlong phrases cannot be matched: skipped, counted.
    if (!/[\p{L}\p{N}]/u.test(term) || [...term].length > WORD_LIST_LIMITS.maxTermChars) {
      skip(lineNo);
      return null;
    }
    const key = `${category}\u0000${term}`;
    if (seen.has(key)) return null;
    seen.add(key);
    terms.push({ term, category });
    if (terms.length > WORD_LIST_LIMITS.maxTerms) {
      return fail(lineNo, 'wordList.tooManyTerms', `词表超过 ${WORD_LIST_LIMITS.maxTerms} 个词。`, `The list has more than ${WORD_LIST_LIMITS.maxTerms} terms.`);
    }
    return null;
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i] as string;
    if (line.length > WORD_LIST_LIMITS.maxLineChars) {
      return fail(lineNo, 'wordList.lineTooLong', `第 ${lineNo} 行超过 ${WORD_LIST_LIMITS.maxLineChars} 个字符，不像词表。`, `Line ${lineNo} is longer than ${WORD_LIST_LIMITS.maxLineChars} characters; this does not look like a word list.`);
    }
    if (line.includes('\ufffd')) {
      return fail(lineNo, 'wordList.invalidText', `第 ${lineNo} 行不是有效的 UTF-8 文本（可能是 GBK 编码）。请另存为 UTF-8 后再导入。`, `Line ${lineNo} is not valid UTF-8 (perhaps GBK). Save the file as UTF-8 and import it again.`);
    }
    // A stray control character inside a term (real lists have a few) makes that line unusable, not the file;
    // many of them mean the file is not text at all.
    // eslint-disable-next-line no-control-regex
    if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(line)) {
      controlLines++;
      if (controlLines > 20 && controlLines * 20 > lineNo) {
        return fail(lineNo, 'wordList.binary', `第 ${lineNo} 行含有控制字符，且这样的行很多：这像是二进制文件，不是文本词表。`, `Line ${lineNo} contains control characters, as do many others: this looks like a binary file, not a text word list.`);
      }
      skip(lineNo);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;

    // A tab always starts the category column.
    const tab = trimmed.indexOf('\t');
    if (tab >= 0) {
      const label = trimmed.slice(tab + 1).trim();
      const category = categoryOf(label);
      if (category === undefined) {
        return fail(lineNo, 'wordList.unknownCategory', `第 ${lineNo} 行的分类“${label}”无法识别。可用：${CATEGORIES.join('、')}，或 政治/毒品/色情/赌博/违法。`, `Line ${lineNo}: unknown category "${label}". Use one of ${CATEGORIES.join(', ')}, or 政治/毒品/色情/赌博/违法.`);
      }
      const resolved = category ?? opts.defaultCategory;
      if (!resolved) return noCategory(lineNo);
      const error = add(trimmed.slice(0, tab).trim(), resolved, lineNo);
      if (error) return error;
      continue;
    }

    // Commas: "term,category", "term," (an empty column), or several terms on one line ("高压气枪,气枪子弹").
    // houbb's tags file comes first: "term 1,4" (a space, then numeric tags; the first decides).
    let termsOnLine = [trimmed];
    let category: Category | null = null;
    const tagged = /^(.*\S)\s+([0-4](?:,[0-4])*)$/.exec(trimmed);
    if (tagged) {
      termsOnLine = [tagged[1] as string];
      category = categoryOf(tagged[2] as string) ?? null;
    } else if (trimmed.includes(',')) {
      const parts = trimmed.split(',').map((p) => p.trim());
      const last = parts[parts.length - 1] as string;
      const asCategory = categoryOf(last);
      if (asCategory !== undefined && parts.length > 1) {
        category = asCategory;
        termsOnLine = parts.slice(0, -1);
      } else termsOnLine = parts;
    } else {
      // "term tag" (houbb's tags file): the last space separates a known category; otherwise the space is part of the term.
      const space = trimmed.lastIndexOf(' ');
      const maybe = space > 0 ? categoryOf(trimmed.slice(space + 1)) : undefined;
      if (maybe) {
        termsOnLine = [trimmed.slice(0, space).trim()];
        category = maybe;
      }
    }
    const resolved = category ?? opts.defaultCategory;
    if (!resolved) return noCategory(lineNo);
    for (const term of termsOnLine) {
      if (term === '') continue;
      const error = add(term, resolved, lineNo);
      if (error) return error;
    }
  }
  if (terms.length === 0) return fail(0, 'wordList.empty', '词表里没有可导入的词。', 'The list has no terms to import.');
  return { ok: true, terms, skipped, skippedLines };
}

function noCategory(lineNo: number): WordListResult {
  return fail(lineNo, 'wordList.noCategory', `第 ${lineNo} 行没有分类。请在导入时选择一个默认分类。`, `Line ${lineNo} has no category. Choose a default category for the import.`);
}
