/**
 * The compliance dev set (tests/fixtures/compliance/devset.tsv): loading, scoring against a scanner, the printed
 * report, and personal-data validators written independently of the engine's (so a positive that is not really a
 * valid number, or a clean line that hides one, is caught by the test rather than agreed with by the engine).
 * Used by tests/bench/compliance-devset.ts and tests/unit/compliance/devset.test.ts.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, EVASIONS, type Category, type Evasion, type Finding } from '../../shared/compliance/types';

export const DEVSET_PATH = fileURLToPath(new URL('../fixtures/compliance/devset.tsv', import.meta.url));

/** The quality bar of issue 5. */
export const QUALITY_BAR = { minRecall: 0.95, maxCleanFalsePositiveRate: 0.03 } as const;

export interface DevsetExample {
  /** 1-based line number in the file. */
  line: number;
  /** Expected categories; empty for a clean line. */
  labels: Category[];
  evasion: Evasion;
  text: string;
}

export interface Devset {
  examples: DevsetExample[];
  /** Hosts the examples assume as the tenant's whitelist (the file's `# whitelist:` comment). */
  whitelist: string[];
}

const isCategory = (s: string): s is Category => (CATEGORIES as readonly string[]).includes(s);
const isEvasion = (s: string): s is Evasion => (EVASIONS as readonly string[]).includes(s);

/** Parses the TSV; throws one error listing every malformed line with its number. */
export function parseDevset(source: string): Devset {
  const examples: DevsetExample[] = [];
  const problems: string[] = [];
  let whitelist: string[] = [];
  const lines = source.replace(/^\uFEFF/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/\r$/, '');
    if (content.startsWith('#')) {
      const directive = /^#\s*whitelist:\s*(.*)$/.exec(content);
      if (directive) whitelist = (directive[1] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
      return;
    }
    if (content.trim() === '') return;
    const columns = content.split('\t');
    if (columns.length !== 3) {
      problems.push(`line ${line}: expected 3 tab-separated columns, got ${columns.length}`);
      return;
    }
    const [labelColumn = '', evasion = '', text = ''] = columns;
    const names = labelColumn.split(',').map((l) => l.trim());
    let labels: Category[] = [];
    if (!(names.length === 1 && names[0] === 'clean')) {
      const unknown = names.filter((n) => !isCategory(n));
      if (unknown.length > 0) problems.push(`line ${line}: unknown label ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
      if (new Set(names).size !== names.length) problems.push(`line ${line}: repeated label`);
      labels = names.filter(isCategory);
    }
    if (!isEvasion(evasion)) problems.push(`line ${line}: unknown evasion ${JSON.stringify(evasion)}`);
    if (text.trim() === '') problems.push(`line ${line}: empty text`);
    if (isEvasion(evasion)) examples.push({ line, labels, evasion, text });
  });
  if (problems.length > 0) throw new Error(`malformed dev set:\n${problems.join('\n')}`);
  return { examples, whitelist };
}

export function loadDevset(file = DEVSET_PATH): Devset {
  return parseDevset(fs.readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------------------------
// Scoring

export interface CategoryScore {
  category: Category;
  /** Lines labelled with the category. */
  positives: number;
  tp: number;
  fn: number;
  /** Lines not labelled with the category on which it fired. */
  fp: number;
  precision: number;
  recall: number;
}

export interface EvasionScore {
  evasion: Evasion;
  /** Positive lines written with this evasion. */
  lines: number;
  /** Expected (line, category) pairs on those lines, and how many of them were found. */
  expected: number;
  found: number;
  recall: number;
}

export interface ExampleResult {
  line: number;
  evasion: Evasion;
  expected: Category[];
  /** Categories of the non-info findings. */
  got: Category[];
  missing: Category[];
  extra: Category[];
  text: string;
}

export interface DevsetScore {
  examples: number;
  categories: CategoryScore[];
  evasions: EvasionScore[];
  clean: { lines: number; flagged: number; rate: number };
  /** Lines where an expected category did not fire. */
  misses: ExampleResult[];
  /** Lines where a category fired that was not expected (clean lines and positives alike). */
  falsePositives: ExampleResult[];
  /** Problems against QUALITY_BAR; empty when it is met. */
  failures: string[];
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export function scoreDevset(devset: Devset, scan: (text: string) => readonly Finding[]): DevsetScore {
  const results: ExampleResult[] = devset.examples.map((example) => {
    const got = [...new Set(scan(example.text).filter((f) => f.severity !== 'info').map((f) => f.category))].sort(
      (a, b) => CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b),
    );
    return {
      line: example.line,
      evasion: example.evasion,
      expected: example.labels,
      got,
      missing: example.labels.filter((c) => !got.includes(c)),
      extra: got.filter((c) => !example.labels.includes(c)),
      text: example.text,
    };
  });

  const categories = CATEGORIES.map((category): CategoryScore => {
    let positives = 0;
    let tp = 0;
    let fp = 0;
    for (const r of results) {
      const expected = r.expected.includes(category);
      const got = r.got.includes(category);
      if (expected) positives++;
      if (expected && got) tp++;
      if (!expected && got) fp++;
    }
    return { category, positives, tp, fn: positives - tp, fp, precision: ratio(tp, tp + fp), recall: ratio(tp, positives) };
  });

  const evasions = EVASIONS.map((evasion): EvasionScore => {
    const lines = results.filter((r) => r.evasion === evasion && r.expected.length > 0);
    const expected = lines.reduce((n, r) => n + r.expected.length, 0);
    const found = lines.reduce((n, r) => n + r.expected.length - r.missing.length, 0);
    return { evasion, lines: lines.length, expected, found, recall: ratio(found, expected) };
  });

  const cleanLines = results.filter((r) => r.expected.length === 0);
  const flagged = cleanLines.filter((r) => r.got.length > 0).length;
  const clean = { lines: cleanLines.length, flagged, rate: ratio(flagged, cleanLines.length) };

  const failures: string[] = [];
  for (const c of categories) {
    if (c.recall < QUALITY_BAR.minRecall) {
      failures.push(`${c.category}: recall ${c.recall.toFixed(3)} < ${QUALITY_BAR.minRecall} (${c.fn} of ${c.positives} missed)`);
    }
  }
  if (clean.rate > QUALITY_BAR.maxCleanFalsePositiveRate) {
    failures.push(
      `clean lines: false-positive rate ${(clean.rate * 100).toFixed(1)}% > ${QUALITY_BAR.maxCleanFalsePositiveRate * 100}% (${flagged} of ${clean.lines})`,
    );
  }

  return {
    examples: results.length,
    categories,
    evasions,
    clean,
    misses: results.filter((r) => r.missing.length > 0),
    falsePositives: results.filter((r) => r.extra.length > 0),
    failures,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const list = (cs: readonly Category[]) => (cs.length === 0 ? 'clean' : cs.join(','));
/** Zero-width and other invisible characters made visible for the printed lists. */
const visible = (text: string) =>
  text.replace(/[\u200B-\u200F\u2060-\u2064\uFEFF]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The report the scoring script prints: tables, then every miss and every false positive. */
export function formatScore(score: DevsetScore, source = 'devset.tsv'): string {
  const out: string[] = [];
  out.push(`Compliance dev set: ${score.examples} examples (${score.clean.lines} clean) from ${source}; info-level findings ignored.`);
  out.push('');
  out.push(
    table(
      ['category', 'lines', 'TP', 'FN', 'FP', 'precision', 'recall'],
      score.categories.map((c) => [c.category, String(c.positives), String(c.tp), String(c.fn), String(c.fp), c.precision.toFixed(3), c.recall.toFixed(3)]),
    ),
  );
  out.push('');
  out.push(`False-positive rate on clean lines: ${score.clean.flagged}/${score.clean.lines} = ${pct(score.clean.rate)}`);
  out.push('');
  out.push(
    table(
      ['evasion', 'lines', 'expected', 'found', 'recall'],
      score.evasions.map((e) => [e.evasion, String(e.lines), String(e.expected), String(e.found), e.lines === 0 ? '-' : e.recall.toFixed(3)]),
    ),
  );
  out.push('');
  out.push(`Misses (${score.misses.length} lines):`);
  for (const r of score.misses) {
    out.push(`  line ${r.line} [${r.evasion}] expected ${list(r.expected)}, got ${list(r.got)}, missing ${r.missing.join(',')}: ${visible(r.text)}`);
  }
  out.push('');
  out.push(`False positives (${score.falsePositives.length} lines; * = clean line):`);
  for (const r of score.falsePositives) {
    const mark = r.expected.length === 0 ? '*' : ' ';
    out.push(`${mark} line ${r.line} [${r.evasion}] expected ${list(r.expected)}, got ${list(r.got)}, extra ${r.extra.join(',')}: ${visible(r.text)}`);
  }
  out.push('');
  out.push(
    score.failures.length === 0
      ? `Quality bar (recall ≥ ${QUALITY_BAR.minRecall} per category, clean FP ≤ ${pct(QUALITY_BAR.maxCleanFalsePositiveRate)}): MET`
      : `Quality bar NOT met:\n${score.failures.map((f) => `  ${f}`).join('\n')}`,
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Personal-data validators (compliance-rules.md §3.5 and §4), independent of the engine's.

export type PersonalDataKind = 'mobile' | 'resident_id' | 'card';

/** Numeral forms that count as digits (§4: full-width, Chinese, financial, circled), and the ID check character X. */
const DIGIT_FOLDS: Record<string, string> = { 〇: '0', 幺: '1', 两: '2', X: 'X', x: 'X', Ｘ: 'X', ｘ: 'X' };
for (const table of ['0123456789', '０１２３４５６７８９', '⓪①②③④⑤⑥⑦⑧⑨', '零一二三四五六七八九', '零壹贰叁肆伍陆柒捌玖']) {
  [...table].forEach((c, i) => (DIGIT_FOLDS[c] = String(i)));
}

/** Invisible characters and the parts of a keycap sequence (digit + U+FE0F + U+20E3): dropped before reading digits. */
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF]|\uFE0F|\u20E3/gu;
/** What may stand between the digits of one number: spaces, hyphens, dots, middle dots, emoji. */
const SEPARATOR = /^(?:[\s\-.·•_]|\p{Extended_Pictographic})$/u;

/** Digit runs of text after folding numerals, each with the character just before it. */
function digitRuns(text: string): { digits: string; before: string }[] {
  const chars = [...text.replace(INVISIBLE, '')];
  const fold = (k: number): string | undefined => DIGIT_FOLDS[chars[k] ?? ''];
  const isDigit = (k: number) => fold(k) !== undefined && fold(k) !== 'X';
  const runs: { digits: string; before: string }[] = [];
  let i = 0;
  while (i < chars.length) {
    if (!isDigit(i)) {
      i++;
      continue;
    }
    const before = chars[i - 1] ?? '';
    let digits = '';
    let j = i;
    for (;;) {
      const folded = fold(j);
      if (folded !== undefined) {
        digits += folded;
        j++;
        if (folded === 'X') break;
        continue;
      }
      // Up to two separator characters may stand between digits ("138 - 1234", "159🌸3731").
      let k = j;
      while (k < chars.length && k - j < 2 && SEPARATOR.test(chars[k] ?? '')) k++;
      if (k > j && isDigit(k)) j = k;
      else break;
    }
    runs.push({ digits, before });
    i = j;
  }
  return runs;
}

export function isValidMobile(digits: string): boolean {
  return /^1[3-9]\d{9}$/.test(digits);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643-1999: 17 digits, check character ISO 7064 MOD 11-2, and a birth date that exists (not in the future). */
export function isValidResidentId(id: string, today = new Date()): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if ('10X98765432'[sum % 11] !== id[17]) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1900 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getTime() <= today.getTime()
  );
}

export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isValidCardNumber(digits: string): boolean {
  return /^[3-6]\d{15,18}$/.test(digits) && passesLuhn(digits);
}

/** The personal data §4 counts in text: whole digit runs only (a number inside a longer run does not count). */
export function findPersonalData(text: string): { kind: PersonalDataKind; digits: string }[] {
  const found: { kind: PersonalDataKind; digits: string }[] = [];
  for (const { digits, before } of digitRuns(text)) {
    if (isValidMobile(digits) || (before === '+' && digits.startsWith('86') && isValidMobile(digits.slice(2)))) {
      found.push({ kind: 'mobile', digits });
    } else if (isValidResidentId(digits)) found.push({ kind: 'resident_id', digits });
    else if (isValidCardNumber(digits)) found.push({ kind: 'card', digits });
  }
  return found;
}
