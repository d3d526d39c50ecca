/**
 * `creator-studio scan`: the compliance scan from the command line, for reviewers and scripts. The whole input is one
 * document, or each line is one with --lines; --json prints one object per document. Exit 0 when nothing fired,
 * 1 when something did, 2 on bad input or usage.
 */
import fs from 'node:fs';
import { UsageError, type Command } from '../../../shared/cli/command';
import { createDefaultScanner } from '../../../shared/compliance/default-scanner';
import type { CustomTerm, Finding } from '../../../shared/compliance/types';
import { CATEGORIES, type Category } from '../../../shared/compliance/types';
import { parseWordList } from '../../../shared/compliance/word-list';

/** Larger inputs are refused rather than read into memory (a lesson is kilobytes; a catalogue export megabytes). */
export const SCAN_MAX_BYTES = 64 * 1024 * 1024;

class InputError extends Error {}

function decode(bytes: Uint8Array, what: string): string {
  if (bytes.length > SCAN_MAX_BYTES) throw new InputError(`${what} is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${SCAN_MAX_BYTES / 1048576} MB. Split it (e.g. one file per course) and scan the parts.`);
  // A NUL byte in the first 8 KB is how binary files give themselves away (images, archives, executables).
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) throw new InputError(`${what} looks like a binary file (it contains NUL bytes), not UTF-8 text.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${what} is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)}). If it was saved as GBK, convert it: iconv -f GBK -t UTF-8.`);
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (only called on failure). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

function describe(f: Finding, lang: 'zh' | 'en'): string {
  return `${f.severity.toUpperCase()} ${f.category} [${f.rule}] ${f.start}-${f.end} “${f.text}” — ${f.message[lang]} (${f.basis[lang]})${f.suggestion ? ` → ${f.suggestion[lang]}` : ''}`;
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'Scan text for compliance findings (诱导分享, 广告法 absolute terms, personal data, links …)',
  usage: [
    'creator-studio scan [--json] [--lines] [--whitelist host,host] [--terms FILE [--terms-category CATEGORY]] [--hints] [--lang zh|en] [FILE|-]',
    '',
    '  FILE | -            UTF-8 text to scan (default and "-": standard input)',
    '  --lines             each line is its own document (offsets per line)',
    '  --json              one JSON object per document: {"findings":[{category,severity,start,end,text,rule,basis}]}',
    '                      (start/end in UTF-16 code units of that document)',
    '  --whitelist H,H     your own hosts, matched exactly or by dot-suffix (WeChat hosts are always allowed)',
    '  --terms FILE        a word list to flag as well (one term per line, optional category column)',
    '  --terms-category C  category for terms without one (default politics)',
    '  --hints             include info-level hints (scoped claims that need evidence); they never change the exit code',
    '  --lang zh|en        language of messages and bases (default zh)',
    '',
    `Categories: ${CATEGORIES.join(', ')}`,
    'Exit status: 0 nothing fired, 1 something fired, 2 bad input or usage.',
  ],
  options: {
    json: { type: 'boolean' },
    lines: { type: 'boolean' },
    whitelist: { type: 'string' },
    terms: { type: 'string' },
    'terms-category': { type: 'string' },
    hints: { type: 'boolean' },
    lang: { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 1) throw new UsageError(`scan reads one input, not ${positionals.length}: ${positionals.join(' ')}`);
    const lang = (values.lang ?? 'zh') as string;
    if (lang !== 'zh' && lang !== 'en') throw new UsageError(`--lang must be zh or en, not "${lang}"`);
    const whitelist = values.whitelist === undefined ? [] : String(values.whitelist).split(',').map((h) => h.trim()).filter(Boolean);
    const bad = whitelist.find((h) => !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(h));
    if (bad) throw new UsageError(`--whitelist expects host names like course.example.com, not "${bad}"`);
    const termsCategory = (values['terms-category'] ?? 'politics') as string;
    if (!(CATEGORIES as readonly string[]).includes(termsCategory)) throw new UsageError(`--terms-category must be one of ${CATEGORIES.join(', ')}`);

    try {
      let customTerms: CustomTerm[] = [];
      if (values.terms !== undefined) {
        const file = String(values.terms);
        const list = parseWordList(decode(readFile(file), file), { defaultCategory: termsCategory as Category });
        if (!list.ok) throw new InputError(`${file}: ${list.error.message[lang]}`);
        customTerms = list.terms;
      }
      const source = positionals[0] ?? '-';
      let bytes: Uint8Array;
      if (source === '-') {
        if (!io.stdin) throw new UsageError('no standard input here: give a FILE');
        bytes = await io.stdin();
      } else bytes = readFile(source);
      const text = decode(bytes, source === '-' ? 'standard input' : source);
      if (text.trim().length === 0) throw new InputError(`${source === '-' ? 'standard input' : source} is empty: there is nothing to scan.`);

      const scanner = createDefaultScanner({ whitelist, customTerms, includeInfo: Boolean(values.hints) });
      const docs = values.lines ? text.replace(/\r?\n$/, '').split(/\r?\n/) : [text];
      let fired = false;
      docs.forEach((doc, index) => {
        const findings = scanner.scan(doc);
        if (findings.some((f) => f.severity !== 'info')) fired = true;
        if (values.json) {
          const out = findings.map((f) => ({ category: f.category, severity: f.severity, start: f.start, end: f.end, text: f.text, rule: f.rule, basis: f.basis[lang] }));
          io.out(JSON.stringify({ findings: out }));
          return;
        }
        const where = values.lines ? `line ${index + 1}` : source === '-' ? 'input' : source;
        if (findings.length === 0) {
          if (!values.lines) io.out(`${where}: no findings`);
          return;
        }
        for (const f of findings) io.out(`${where}: ${describe(f, lang)}`);
      });
      return fired ? 1 : 0;
    } catch (error) {
      if (error instanceof InputError) {
        io.err(`creator-studio scan: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};

function readFile(file: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(`cannot read ${file}: no such file`);
  }
  if (stat.isDirectory()) throw new InputError(`${file} is a folder, not a text file`);
  if (stat.size > SCAN_MAX_BYTES) throw new InputError(`${file} is ${(stat.size / 1048576).toFixed(1)} MB; the limit is ${SCAN_MAX_BYTES / 1048576} MB. Split it and scan the parts.`);
  return fs.readFileSync(file);
}
