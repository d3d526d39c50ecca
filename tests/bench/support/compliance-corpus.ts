/**
 * Data for the compliance benchmark (tests/bench/compliance.ts), as compliance-rules.md §5 measured it: a
 * deterministic stride sample of the houbb/sensitive-word v0.26.1 dictionary, read at run time from
 * ../shared/data/lexicons (never copied into the project), and ~20 MiB of synthetic Chinese built by a seeded PRNG from
 * the words of pinyin-pro's bundled dictionary plus function words, punctuation, digits and some Latin, split into
 * documents of 5,000 UTF-16 units — a "clean" variant and a "dirty" one with a lexicon term injected every ~300 chars.
 *
 * The corpus is cached under .cache/bench/ (gitignored), keyed by a hash of the generator's parameters, this file's
 * source, pinyin-pro's version and the lexicon sample, so a change to any of them regenerates it (the three most
 * recently used corpora are kept).
 *
 * `referenceHits` is the trivially-correct matcher the benchmark counts true hits with: every (position, term) pair
 * where the text starts with the term there, found by trying every term that begins with the character at that
 * position. No automaton, no failure links — it cannot miss a nested or overlapping match.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Category } from '../../../shared/compliance/types';
import { ROOT } from './child-processes';
import { prng } from '../../helpers/prng';
import { lexiconsDir } from '../../helpers/lexicons';

export const LEXICON_DIR = path.join(lexiconsDir(), 'houbb-sensitive-word-v0.26.1');
export const CACHE_DIR = path.join(ROOT, '.cache/bench/compliance-corpus');

/** houbb's tag ids (sensitive_word_tags.txt, NOTICE) → our category ids; 违法 (illegal) is closest to fraud. */
const TAG_CATEGORY: Record<string, Category> = { '0': 'politics', '1': 'drugs', '2': 'porn', '3': 'gambling', '4': 'fraud' };
/** Words without a tag line (a third of the sample). */
const UNTAGGED_CATEGORY: Category = 'politics';

export interface Lexicon {
  terms: string[];
  categories: Category[];
  /** Lines in the whole dictionary the sample was taken from. */
  dictionarySize: number;
  /** Sample terms per category (first tag of a multi-tag word). */
  byCategory: Partial<Record<Category, number>>;
  /** sha256 of the sample, for the corpus cache key. */
  hash: string;
}

function readLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

/** Every ⌊i·N/size⌋-th word of the dictionary (N lines), i = 0…size−1: the §5 sample (20,000 words, avg 6.36 chars). */
export function loadLexicon(size: number): Lexicon {
  const dictionary = readLines(path.join(LEXICON_DIR, 'sensitive_word_dict.txt'));
  if (size > dictionary.length) throw new Error(`the dictionary has ${dictionary.length} words, fewer than ${size}`);
  const tags = new Map<string, string>();
  for (const line of readLines(path.join(LEXICON_DIR, 'sensitive_word_tags.txt'))) {
    const space = line.lastIndexOf(' ');
    if (space > 0) tags.set(line.slice(0, space), line.slice(space + 1).split(',')[0]!);
  }
  const terms: string[] = [];
  const categories: Category[] = [];
  const byCategory: Partial<Record<Category, number>> = {};
  for (let i = 0; i < size; i++) {
    const term = dictionary[Math.floor((i * dictionary.length) / size)]!;
    const tag = tags.get(term);
    const category = (tag !== undefined ? TAG_CATEGORY[tag] : undefined) ?? UNTAGGED_CATEGORY;
    terms.push(term);
    categories.push(category);
    byCategory[category] = (byCategory[category] ?? 0) + 1;
  }
  const hash = createHash('sha256').update(terms.join('\n')).digest('hex');
  return { terms, categories, dictionarySize: dictionary.length, byCategory, hash };
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const require = createRequire(import.meta.url);

/** pinyin-pro's phrase dictionaries (2- to 5-character words, roughly in frequency order), read as text. */
function pinyinProWords(): { words: string[]; version: string } {
  const version = (require('pinyin-pro/package.json') as { version: string }).version;
  const dataDir = path.join(path.dirname(require.resolve('pinyin-pro/package.json')), 'dist/esm/data');
  const seen = new Set<string>();
  const words: string[] = [];
  for (const file of ['dict2.mjs', 'dict3.mjs', 'dict4.mjs', 'dict5.mjs']) {
    const source = fs.readFileSync(path.join(dataDir, file), 'utf8');
    for (const match of source.matchAll(/^\s+['"]?(\p{Script=Han}+)['"]?\s*:/gmu)) {
      const word = match[1]!;
      if (!seen.has(word)) {
        seen.add(word);
        words.push(word);
      }
    }
  }
  if (words.length < 1_000) throw new Error(`only ${words.length} words found in ${dataDir}: has pinyin-pro's data layout changed?`);
  return { words, version };
}

const FUNCTION_WORDS = [
  '的', '的', '的', '了', '了', '是', '是', '在', '在', '和', '也', '就', '都', '而', '及', '与', '着', '或', '把', '被',
  '让', '给', '从', '对', '向', '为', '以', '于', '但', '很', '不', '没', '又', '再', '才', '还', '更', '最', '我', '你',
  '他', '她', '它', '这', '那', '有', '要', '会', '能', '说', '看', '做', '去', '来', '上', '下', '中', '里', '后', '前',
  '如果', '因为', '所以', '虽然', '但是', '可是', '还是', '只是', '已经', '一个', '一些', '这个', '那个', '我们', '你们',
  '他们', '自己', '什么', '怎么', '没有', '不是', '可以', '就是', '非常', '比较', '大家', '今天', '时候', '其实', '然后',
];
const LATIN_WORDS = ['AI', 'App', 'PPT', 'Excel', 'Python', 'OK', 'PDF', 'iPad', 'Office', 'KPI', 'Word', 'vlog', 'ID', 'CEO', 'Java', 'SQL', 'HTML', 'Wi-Fi', 'GPT', 'UI'];
const COMMAS = ['，', '，', '，', '，', '、', '；', '：'];
const STOPS = ['。', '。', '。', '。', '！', '？', '……'];


/** An endless stream of natural-looking text tokens (words, numbers, punctuation, newlines). */
function* tokens(random: () => number, vocabulary: readonly string[]): Generator<string> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  for (;;) {
    const sentenceLength = 5 + Math.floor(random() * 14);
    let sinceComma = 0;
    for (let t = 0; t < sentenceLength; t++) {
      const r = random();
      if (r < 0.3) yield pick(FUNCTION_WORDS);
      else if (r < 0.915) yield vocabulary[Math.floor(vocabulary.length * random() * random())]!; // skewed to the first
      else if (r < 0.945) {
        const kind = random();
        if (kind < 0.3) yield String(2015 + Math.floor(random() * 11)) + '年';
        else if (kind < 0.55) yield String(Math.floor(random() * 100)) + '%';
        else if (kind < 0.8) yield String(1 + Math.floor(random() * 999));
        else yield `${Math.floor(random() * 24)}:${String(Math.floor(random() * 60)).padStart(2, '0')}`;
      } else if (r < 0.96) yield (random() < 0.3 ? ' ' : '') + pick(LATIN_WORDS) + (random() < 0.3 ? ' ' : '');
      else yield random() < 0.5 ? `《${pick(vocabulary)}》` : `“${pick(vocabulary)}”`;
      if (++sinceComma >= 3 && random() < 0.3 && t < sentenceLength - 1) {
        yield pick(COMMAS);
        sinceComma = 0;
      }
    }
    yield pick(STOPS);
    if (random() < 0.2) yield '\n';
  }
}

// ---------------------------------------------------------------------------------------------------------------
export { prng };

// Corpus

export interface CorpusParams {
  /** Stop adding documents once a variant holds this many UTF-8 bytes. */
  targetBytes: number;
  /** UTF-16 units per document (the last token is cut). */
  docChars: number;
  /** Dirty variant: a lexicon term is injected at the first token boundary at least this far (uniform range) after the last. */
  injectGap: [number, number];
  seed: number;
}

export interface Corpus {
  clean: string[];
  dirty: string[];
  /** Injected terms that ended up whole inside a dirty document. */
  injected: number;
  cleanBytes: number;
  dirtyBytes: number;
  vocabularySize: number;
  /** Where the corpus was read from, or null when it was generated in this run. */
  cachedAt: string | null;
  generateMs: number;
}

interface CorpusMeta {
  injected: number;
  vocabularySize: number;
}

function utf8Bytes(docs: readonly string[]): number {
  let bytes = 0;
  for (const doc of docs) bytes += Buffer.byteLength(doc, 'utf8');
  return bytes;
}

function generate(params: CorpusParams, vocabulary: readonly string[], lexicon: readonly string[]): { clean: string[]; dirty: string[]; injected: number } {
  const build = (inject: boolean): { docs: string[]; injected: number } => {
    // The same text seed for both variants: the dirty corpus is the clean text with terms in between.
    const stream = tokens(prng(params.seed), vocabulary);
    const injectRandom = prng(params.seed ^ 0x5eed);
    const gap = () => params.injectGap[0] + Math.floor(injectRandom() * (params.injectGap[1] - params.injectGap[0] + 1));
    const docs: string[] = [];
    let bytes = 0;
    let injected = 0;
    while (bytes < params.targetBytes) {
      const parts: string[] = [];
      let length = 0;
      let nextInjection = gap();
      let injectedHere: number[] = []; // end offsets of injected terms
      while (length < params.docChars) {
        if (inject && length >= nextInjection) {
          const term = lexicon[Math.floor(injectRandom() * lexicon.length)]!;
          parts.push(term);
          length += term.length;
          injectedHere.push(length);
          nextInjection = length + gap();
        }
        const token = stream.next().value as string;
        parts.push(token);
        length += token.length;
      }
      const doc = parts.join('').slice(0, params.docChars);
      injectedHere = injectedHere.filter((end) => end <= params.docChars);
      injected += injectedHere.length;
      docs.push(doc);
      bytes += Buffer.byteLength(doc, 'utf8');
    }
    return { docs, injected };
  };
  const clean = build(false);
  const dirty = build(true);
  return { clean: clean.docs, dirty: dirty.docs, injected: dirty.injected };
}

/** Corpora kept in the cache (e.g. the 20 MiB one and a small one for profiling); older ones are removed. */
const KEEP_CORPORA = 3;

function pruneCache(keep: number): void {
  const entries = fs
    .readdirSync(CACHE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ dir: path.join(CACHE_DIR, entry.name), used: fs.statSync(path.join(CACHE_DIR, entry.name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { dir } of entries.slice(keep)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The corpus for these parameters and lexicon: from the cache when it matches, else generated and cached. */
export function loadCorpus(params: CorpusParams, lexicon: Lexicon): Corpus {
  const { words, version } = pinyinProWords();
  const key = createHash('sha256')
    .update(JSON.stringify({ params, pinyinPro: version, lexicon: lexicon.hash, words: words.length }))
    .update(fs.readFileSync(import.meta.filename))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(CACHE_DIR, key);
  const started = performance.now();
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as CorpusMeta;
    const clean = JSON.parse(fs.readFileSync(path.join(dir, 'clean.json'), 'utf8')) as string[];
    const dirty = JSON.parse(fs.readFileSync(path.join(dir, 'dirty.json'), 'utf8')) as string[];
    const now = new Date();
    fs.utimesSync(dir, now, now); // most recently used
    return { clean, dirty, injected: meta.injected, cleanBytes: utf8Bytes(clean), dirtyBytes: utf8Bytes(dirty), vocabularySize: meta.vocabularySize, cachedAt: path.relative(ROOT, dir), generateMs: performance.now() - started };
  } catch {
    // not cached yet (or a partial write): generate below
  }
  const { clean, dirty, injected } = generate(params, words, lexicon.terms);
  const generateMs = performance.now() - started;
  // meta.json is written last, so a partial cache is never read.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'clean.json'), JSON.stringify(clean));
  fs.writeFileSync(path.join(dir, 'dirty.json'), JSON.stringify(dirty));
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ injected, vocabularySize: words.length } satisfies CorpusMeta));
  pruneCache(KEEP_CORPORA);
  return { clean, dirty, injected, cleanBytes: utf8Bytes(clean), dirtyBytes: utf8Bytes(dirty), vocabularySize: words.length, cachedAt: null, generateMs };
}

// ---------------------------------------------------------------------------------------------------------------
// The reference matcher

export interface ReferenceMatcher {
  /** Calls onHit(start, end, termIndex) for every occurrence of every term (overlapping and nested included). */
  scan(text: string, onHit?: (start: number, end: number, term: number) => void): number;
}

/**
 * Terms bucketed by their first UTF-16 unit; at each position of the text every term of that bucket is tried with
 * startsWith. `fold` lower-cases terms and text first (what mint-filter does), for a case-insensitive count.
 */
export function referenceMatcher(terms: readonly string[], fold = false): ReferenceMatcher {
  const buckets: (number[] | undefined)[] = new Array<number[] | undefined>(65_536);
  const keys = terms.map((term) => (fold ? term.toLowerCase() : term));
  keys.forEach((key, index) => {
    if (key.length === 0) return;
    (buckets[key.charCodeAt(0)] ??= []).push(index);
  });
  return {
    scan(text, onHit) {
      const haystack = fold ? text.toLowerCase() : text;
      if (haystack.length !== text.length) throw new Error('lower-casing changed the text length; the reference cannot map offsets');
      let hits = 0;
      for (let i = 0; i < haystack.length; i++) {
        const bucket = buckets[haystack.charCodeAt(i)];
        if (bucket === undefined) continue;
        for (const index of bucket) {
          const key = keys[index]!;
          if (haystack.startsWith(key, i)) {
            hits++;
            onHit?.(i, i + key.length, index);
          }
        }
      }
      return hits;
    },
  };
}

/** The same count by the most naive means (indexOf per term), to check the reference on a few documents. */
export function naiveCount(terms: readonly string[], text: string): number {
  let hits = 0;
  for (const term of terms) {
    if (term.length === 0) continue;
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) hits++;
  }
  return hits;
}
