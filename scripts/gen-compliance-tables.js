// Generates resources/compliance/tables.json, the character data the compliance engine needs at run time:
// traditional → simplified (per character, from opencc-js's OpenCC tables), pinyin readings with tones of every CJK
// unified ideograph (from pinyin-pro), and the 6,763 characters of GB 2312 (homophone substitutes come from these).
// The engine itself never loads these libraries: converting whole documents is far too slow (compliance-rules.md §5);
// it expands *patterns* with this table instead. Run: node scripts/gen-compliance-tables.js
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { pinyin } = require('pinyin-pro');
const OpenCC = require('opencc-js');

const root = path.resolve(import.meta.dirname, '..');
const pkg = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const fromHongKong = OpenCC.Converter({ from: 'hk', to: 'cn' });

let t2s = '';
const readings = new Map();
for (let cp = 0x3400; cp <= 0x9fff; cp++) {
  if (cp > 0x4dbf && cp < 0x4e00) continue;
  const ch = String.fromCodePoint(cp);
  let simple = toSimplified(ch);
  if (simple === ch) simple = fromHongKong(ch);
  if (simple !== ch && simple.length === 1) t2s += ch + simple;
  if (cp < 0x4e00) continue;
  const all = pinyin(ch, { multiple: true, type: 'array', toneType: 'num' });
  for (const syllable of new Set(all)) {
    if (!/^[a-zü]+[0-5]?$/.test(syllable)) continue;
    const key = syllable.replace('ü', 'v').replace(/0$/, '5');
    readings.set(key, (readings.get(key) ?? '') + ch);
  }
}

// GB 2312 levels 1 and 2 = rows 16–87 (0xB0A1–0xF7FE): the 6,763 characters in everyday use.
const gb = new TextDecoder('gb2312');
let common = '';
for (let row = 0xb0; row <= 0xf7; row++) {
  for (let cell = 0xa1; cell <= 0xfe; cell++) {
    if (row === 0xd7 && cell > 0xf9) break;
    const ch = gb.decode(Uint8Array.of(row, cell));
    if (ch.length === 1 && ch !== '\ufffd') common += ch;
  }
}

const tables = {
  schemaVersion: 1,
  generatedBy: 'scripts/gen-compliance-tables.js',
  sources: {
    t2s: `opencc-js ${pkg('opencc-js')} (OpenCC tw→cn, hk→cn; Apache-2.0), single characters only`,
    pinyin: `pinyin-pro ${pkg('pinyin-pro')} (MIT), all readings with tone numbers (5 = neutral), ü written v`,
    common: 'GB 2312-1980 levels 1 and 2 (6,763 characters), decoded by the platform TextDecoder',
  },
  t2s,
  pinyin: Object.fromEntries([...readings.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
  common,
};
const out = path.join(root, 'resources/compliance/tables.json');
writeFileSync(out, `${JSON.stringify(tables)}\n`);
console.log(`wrote ${path.relative(root, out)}: ${t2s.length / 2} t2s pairs, ${readings.size} syllables, ${common.length} common characters`);
