/**
 * Character classes and folding for the compliance engine: one pass over the text reads two 64 K tables, so the
 * normalized reading (compliance-rules.md §4 "the normalized reading decides") costs a table lookup per UTF-16 unit
 * and never builds a second string. Offsets therefore stay those of the original text.
 */

/** What a UTF-16 unit is to the matcher. */
export const KIND_LETTER = 0;
/** Separators, punctuation, symbols, emoji: skipped between letters (an evasion), kept for context. */
export const KIND_NOISE = 1;
/** Sentence ends and line breaks: skipped, and no match, combination or context window crosses them. */
export const KIND_BREAK = 2;
/** Zero-width and format characters: invisible, skipped everywhere. */
export const KIND_INVISIBLE = 3;

/** Evasion bits recorded per folded unit. */
export const EV_WIDTH = 1;
export const EV_CASE = 2;
export const EV_TRADITIONAL = 4;
export const EV_ZERO_WIDTH = 8;
export const EV_SEPARATOR = 16;
export const EV_NUMERAL = 32;

export interface CharTableData {
  /** Pairs: traditional character followed by its simplified form. */
  t2s: string;
  /** Syllable with tone number ("wei1", 5 = neutral) → every character with that reading. */
  pinyin: Record<string, string>;
  /** GB 2312 characters (homophone substitutes are taken from these only). */
  common: string;
}

export interface CharTables {
  /** Folded unit for each UTF-16 unit (the unit itself when nothing folds). */
  fold: Uint16Array;
  kind: Uint8Array;
  /** Evasion bits of the fold. */
  evasion: Uint8Array;
  /** Digit value for digit-like units (ASCII, full-width, circled, superscript, Chinese numerals), else -1. */
  digit: Int8Array;
  /** Chinese-numeral digits (一二三, 壹贰, 幺) count only inside long runs. */
  cjkDigit: Uint8Array;
  /** Toneless readings of each character (pinyin and initials variants). */
  readings: Map<string, string[]>;
  /** Readings with tone of each character. */
  tonedReadings: Map<string, string[]>;
  /** Common characters by syllable with tone (homophone substitutes: same sound and tone, as evaders pick them). */
  homophones: Map<string, string>;
  /** Common characters by toneless syllable. */
  tonelessHomophones: Map<string, string>;
}

const BREAKS = '。！？!?；;\n\r\u2028\u2029…';

function range(from: number, to: number, f: (cp: number) => void): void {
  for (let cp = from; cp <= to; cp++) f(cp);
}

export function buildCharTables(data: CharTableData): CharTables {
  const fold = new Uint16Array(65536);
  const kind = new Uint8Array(65536);
  const evasion = new Uint8Array(65536);
  const digit = new Int8Array(65536).fill(-1);
  const cjkDigit = new Uint8Array(65536);
  for (let c = 0; c < 65536; c++) fold[c] = c;

  const noise = (cp: number) => {
    kind[cp] = KIND_NOISE;
  };
  // ASCII: punctuation and spaces are noise; letters fold to lower case.
  range(0x00, 0x7f, (cp) => {
    const ch = String.fromCharCode(cp);
    if (/[A-Z]/.test(ch)) {
      fold[cp] = cp + 32;
      evasion[cp] = EV_CASE;
    } else if (!/[a-z0-9]/.test(ch)) noise(cp);
  });
  range(0x80, 0xbf, noise);
  noise(0xd7);
  noise(0xf7);
  // Currency signs stay letters: 淘口令 (￥…￥) and prices are read by rules.
  for (const ch of '$¥£€₤￥') kind[ch.charCodeAt(0)] = KIND_LETTER;
  // Full-width ASCII → ASCII; the ideographic space → space.
  range(0xff01, 0xff5e, (cp) => {
    let base = cp - 0xfee0;
    let bits = EV_WIDTH;
    if (base >= 0x41 && base <= 0x5a) {
      base += 32;
      bits |= EV_CASE;
    }
    fold[cp] = base;
    evasion[cp] = bits;
    kind[cp] = kind[base] ?? KIND_LETTER;
  });
  fold[0x3000] = 0x20;
  evasion[0x3000] = EV_WIDTH;
  // Half-width katakana forms and other compatibility forms are left alone: not an evasion we meet.
  // Punctuation and symbol blocks: general punctuation, super/subscripts handled below, arrows, maths, technical,
  // box drawing, shapes, misc symbols, dingbats, CJK symbols and punctuation, CJK compatibility forms, small forms.
  for (const [a, b] of [
    [0x2000, 0x206f],
    [0x20a0, 0x20cf],
    [0x2100, 0x214f],
    [0x2190, 0x23ff],
    [0x2400, 0x245f],
    [0x2500, 0x27bf],
    [0x27c0, 0x2bff],
    [0x2e00, 0x2e7f],
    [0x3000, 0x303f],
    [0x30fb, 0x30fb],
    [0xfe10, 0xfe1f],
    [0xfe30, 0xfe6f],
    [0xff5f, 0xff65],
    [0xffe0, 0xffee],
    [0xfff0, 0xfffd],
  ] as const) {
    range(a, b, noise);
  }
  kind[0x3007] = KIND_LETTER; // 〇 is a numeral
  for (const ch of '$¥£€₤￥') kind[ch.charCodeAt(0)] = KIND_LETTER;
  // Surrogates: emoji live in planes 1F0xx–1FAxx (high surrogate D83C–D83E); other supplementary characters (CJK
  // extensions) are letters, matched unit by unit like their patterns.
  range(0xd83c, 0xd83e, noise);
  range(0xdc00, 0xdfff, (cp) => {
    kind[cp] = KIND_LETTER;
  });
  for (const ch of BREAKS) kind[ch.charCodeAt(0)] = KIND_BREAK;
  // Invisible: zero-width, bidi and format characters, variation selectors, the combining keycap, soft hyphen.
  for (const [a, b] of [
    [0x00ad, 0x00ad],
    [0x034f, 0x034f],
    [0x061c, 0x061c],
    [0x115f, 0x1160],
    [0x17b4, 0x17b5],
    [0x180b, 0x180f],
    [0x200b, 0x200f],
    [0x202a, 0x202e],
    [0x2060, 0x206f],
    [0x20e3, 0x20e3],
    [0x3164, 0x3164],
    [0xfe00, 0xfe0f],
    [0xfeff, 0xfeff],
    [0xffa0, 0xffa0],
  ] as const) {
    range(a, b, (cp) => {
      kind[cp] = KIND_INVISIBLE;
      evasion[cp] = EV_ZERO_WIDTH;
    });
  }

  // Letter-likes: circled and parenthesized Latin letters fold to a–z.
  const letterRun = (from: number, count: number) => {
    for (let i = 0; i < count; i++) {
      fold[from + i] = 0x61 + i;
      evasion[from + i] = EV_NUMERAL;
      kind[from + i] = KIND_LETTER;
    }
  };
  letterRun(0x249c, 26);
  letterRun(0x24b6, 26);
  letterRun(0x24d0, 26);

  // Digits in every dress fold to ASCII digits.
  const digitRun = (from: number, values: readonly number[]) => {
    values.forEach((v, i) => {
      const cp = from + i;
      fold[cp] = 0x30 + v;
      evasion[cp] = EV_NUMERAL;
      kind[cp] = KIND_LETTER;
    });
  };
  const oneToNine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  digitRun(0x2460, oneToNine); // ①
  digitRun(0x2474, oneToNine); // ⑴
  digitRun(0x2488, oneToNine); // ⒈
  digitRun(0x2776, oneToNine); // ❶
  digitRun(0x2780, oneToNine); // ➀
  digitRun(0x278a, oneToNine); // ➊
  digitRun(0x24f5, oneToNine); // ⓵
  digitRun(0x2080, [0, ...oneToNine]); // ₀
  digitRun(0x2074, [4, 5, 6, 7, 8, 9]); // ⁴
  digitRun(0x24ea, [0]); // ⓪
  digitRun(0x24ff, [0]); // ⓿
  digitRun(0x2070, [0]);
  digitRun(0x00b9, [1]);
  digitRun(0x00b2, [2]);
  digitRun(0x00b3, [3]);
  digitRun(0x3220, oneToNine); // ㈠ (parenthesized ideographs)
  digitRun(0x3280, oneToNine); // ㊀ (circled ideographs)
  for (let c = 0; c < 65536; c++) {
    const f = fold[c] ?? c;
    if (f >= 0x30 && f <= 0x39) digit[c] = f - 0x30;
  }
  const cjk: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 幺: 1, 壹: 1, 二: 2, 贰: 2, 貳: 2, 两: 2, 三: 3, 叁: 3, 參: 3, 四: 4, 肆: 4, 五: 5, 伍: 5, 六: 6, 陆: 6, 陸: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9 };
  for (const [ch, v] of Object.entries(cjk)) {
    const cp = ch.charCodeAt(0);
    digit[cp] = v;
    cjkDigit[cp] = 1;
  }

  // Traditional → simplified (after the other folds, which never touch CJK).
  for (let i = 0; i + 1 < data.t2s.length; i += 2) {
    const t = data.t2s.charCodeAt(i);
    fold[t] = data.t2s.charCodeAt(i + 1);
    evasion[t] = (evasion[t] ?? 0) | EV_TRADITIONAL;
  }

  // The reading maps serve variant generation only, which the shipped rules have done ahead of time
  // (resources/compliance/variants.json): they are built on first use.
  let readingMaps: Pick<CharTables, 'readings' | 'tonedReadings' | 'homophones' | 'tonelessHomophones'> | null = null;
  const maps = () => (readingMaps ??= buildReadingMaps(data));
  return {
    fold,
    kind,
    evasion,
    digit,
    cjkDigit,
    get readings() {
      return maps().readings;
    },
    get tonedReadings() {
      return maps().tonedReadings;
    },
    get homophones() {
      return maps().homophones;
    },
    get tonelessHomophones() {
      return maps().tonelessHomophones;
    },
  };
}

function buildReadingMaps(data: CharTableData): Pick<CharTables, 'readings' | 'tonedReadings' | 'homophones' | 'tonelessHomophones'> {
  const readings = new Map<string, string[]>();
  const tonedReadings = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, ch: string, value: string) => {
    const list = map.get(ch);
    if (!list) map.set(ch, [value]);
    else if (!list.includes(value)) list.push(value);
  };
  for (const [syllable, chars] of Object.entries(data.pinyin)) {
    const toneless = syllable.replace(/[0-9]$/, '');
    for (const ch of chars) {
      add(readings, ch, toneless);
      add(tonedReadings, ch, syllable);
    }
  }
  const commonSet = new Set(data.common);
  const homophones = new Map<string, string>();
  const tonelessHomophones = new Map<string, string>();
  for (const [syllable, chars] of Object.entries(data.pinyin)) {
    const common = [...chars].filter((c) => commonSet.has(c)).join('');
    homophones.set(syllable, common);
    const toneless = syllable.replace(/[0-9]$/, '');
    tonelessHomophones.set(toneless, (tonelessHomophones.get(toneless) ?? '') + common);
  }
  return { readings, tonedReadings, homophones, tonelessHomophones };
}

/** The folded form of a whole string, letters only (what a pattern is matched as). */
export function foldLetters(tables: CharTables, text: string): string {
  // Most patterns are already folded letters: hand them back as they are.
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (tables.kind[c] !== KIND_LETTER || tables.fold[c] !== c) break;
    i++;
  }
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (tables.kind[c] !== KIND_LETTER) continue;
    out += String.fromCharCode(tables.fold[c] ?? c);
  }
  return out;
}
