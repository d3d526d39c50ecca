// Generates shared/preview/data/glyph-widths.json: the advance width of every character in the preview fonts
// (resources/preview/fonts/, made by scripts/make-preview-fonts.js), measured with @napi-rs/canvas at 1000 px so a
// width is in thousandths of an em. shared/preview/measure.ts lays text out with this table — in Node (the host's PNG
// export, the benchmark) and in the page alike — instead of asking the DOM, so both agree to the unit.
//
// Only widths that differ from their class default are stored: every CJK ideograph, kana, hangul and full-width form
// is one em in Noto Sans CJK, so the table holds Latin, digits, punctuation and symbols (a few hundred numbers per
// face). Runs of consecutive code points are stored as [first code point, width, width, …].
// Run: node scripts/gen-preview-glyph-widths.js
import fs from 'node:fs';
import path from 'node:path';
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import { previewCharacters } from './make-preview-fonts.js';

const root = path.resolve(import.meta.dirname, '..');
const fontDir = path.join(root, 'resources', 'preview', 'fonts');
const output = path.join(root, 'shared', 'preview', 'data', 'glyph-widths.json');
const SIZE = 1000;

const FACES = {
  regular: { file: 'NotoSansSC-Regular.subset.woff2', alias: 'GlyphWidthsRegular' },
  bold: { file: 'NotoSansSC-Bold.subset.woff2', alias: 'GlyphWidthsBold' },
};

/** Mirrors `isWide` in shared/preview/measure.ts: the classes whose default advance is one em. */
function isWide(cp) {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

const canvas = createCanvas(16, 16);
const ctx = canvas.getContext('2d');
ctx.lang = 'zh-CN';
const characters = [...new Set(previewCharacters())].map((c) => c.codePointAt(0)).sort((a, b) => a - b);

const faces = {};
for (const [name, face] of Object.entries(FACES)) {
  const file = path.join(fontDir, face.file);
  if (!GlobalFonts.registerFromPath(file, face.alias)) throw new Error(`cannot load ${file}`);
  ctx.font = `${SIZE}px ${face.alias}`;
  const widths = new Map();
  for (const cp of characters) {
    if (cp < 0x20) continue;
    const width = Math.round(ctx.measureText(String.fromCodePoint(cp)).width);
    if (!(isWide(cp) && width === SIZE)) widths.set(cp, width);
  }
  const runs = [];
  let run = null;
  for (const [cp, width] of [...widths].sort((a, b) => a[0] - b[0])) {
    if (run && run[0] + run.length - 1 === cp) run.push(width);
    else runs.push((run = [cp, width]));
  }
  const metrics = ctx.measureText('中Hg');
  const lowercase = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => widths.get(c.codePointAt(0)));
  faces[name] = {
    file: face.file,
    ascent: Math.round(metrics.fontBoundingBoxAscent),
    descent: Math.round(metrics.fontBoundingBoxDescent),
    // For a character that is neither in the table nor in a known class: the average lowercase Latin letter.
    fallback: Math.round(lowercase.reduce((a, b) => a + b, 0) / lowercase.length),
    runs,
  };
  console.log(`${name}: ${widths.size} widths in ${runs.length} runs, ascent ${faces[name].ascent}, descent ${faces[name].descent}`);
}

const table = {
  schemaVersion: 1,
  generatedBy: 'scripts/gen-preview-glyph-widths.js',
  font: 'Noto Sans CJK SC 2.004 (subset), SIL OFL 1.1',
  unitsPerEm: SIZE,
  // Emoji come from the system's colour emoji font, not from ours: Noto Color Emoji advances 2550/2048 em and Apple
  // Color Emoji about the same; one advance for every emoji keeps the layout the same on every machine.
  emojiAdvance: Math.round((2550 / 2048) * SIZE),
  faces,
};
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, `${JSON.stringify(table)}\n`);
console.log(`${path.relative(root, output)}: ${fs.statSync(output).size} bytes`);
