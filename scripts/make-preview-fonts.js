// Makes the fonts that WeChat previews are drawn and measured with: Noto Sans CJK SC Regular and Bold (SIL OFL 1.1),
// cut down to the characters a course title or summary realistically uses — GB 2312 (6,763 hanzi and its symbols),
// ASCII, Latin-1, general and CJK punctuation, full-width forms and a few symbols — and stored as WOFF2 in
// resources/preview/fonts/. The renderer loads them as web fonts, the host registers them in @napi-rs/canvas, and
// scripts/gen-preview-glyph-widths.js measures them, so what is measured is what is drawn. A character outside the
// subset falls back to a system font; the width table still knows it (every CJK ideograph is one em wide).
//
// Needs Debian's fonts-noto-cjk (the source faces), python3-fonttools and python3-brotli (WOFF2):
//   apt-get install fonts-noto-cjk python3-fonttools python3-brotli
//   node scripts/make-preview-fonts.js && node scripts/gen-preview-glyph-widths.js
// Run it again only to change the character set; commit the fonts and the width table together.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'resources', 'preview', 'fonts');
const SOURCES = {
  Regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  Bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
};
// In Debian's collections face 0 is JP, 1 KR, 2 SC: the SC face has the mainland glyph shapes and punctuation.
const SC_FACE = 2;

/** Every character of GB 2312, decoded from its two-byte code table (rows 0xA1–0xF7, columns 0xA1–0xFE). */
function gb2312() {
  const decoder = new TextDecoder('gbk');
  let text = '';
  for (let hi = 0xa1; hi <= 0xf7; hi++) {
    if (hi >= 0xaa && hi <= 0xaf) continue; // unassigned rows
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && ch !== '\uFFFD') text += ch;
    }
  }
  return text;
}

function range(from, to) {
  let text = '';
  for (let cp = from; cp <= to; cp++) text += String.fromCodePoint(cp);
  return text;
}

export function previewCharacters() {
  return [
    gb2312(),
    range(0x20, 0x7e), // ASCII
    range(0xa0, 0xff), // Latin-1 (¥ · × é …)
    range(0x2000, 0x206f), // general punctuation (… — “ ” ‘ ’ •)
    range(0x2190, 0x2199), // arrows
    range(0x2460, 0x2473), // ① … ⑳
    range(0x25a0, 0x25cf), // ■ □ ▲ △ ● ○
    range(0x2605, 0x2606), // ★ ☆
    range(0x2713, 0x2716), // ✓ ✔ ✕ ✖
    range(0x3000, 0x303f), // CJK symbols and punctuation
    range(0xff01, 0xff5e), // full-width forms
    range(0xffe0, 0xffe6), // ￠ ￡ ￢ ￣ ￤ ￥ ￦
    '\u20ac\u2116\u2122',
  ].join('');
}

function python() {
  for (const candidate of [process.env.PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['-c', 'import fontTools, brotli'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('python3 with fontTools and brotli is needed: apt-get install python3-fonttools python3-brotli');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const py = python();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'preview-fonts-'));
  const textFile = path.join(work, 'chars.txt');
  fs.writeFileSync(textFile, previewCharacters());
  fs.mkdirSync(outDir, { recursive: true });
  for (const [weight, source] of Object.entries(SOURCES)) {
    if (!fs.existsSync(source)) throw new Error(`${source} is missing: apt-get install fonts-noto-cjk`);
    const output = path.join(outDir, `NotoSansSC-${weight}.subset.woff2`);
    execFileSync(py, [
      '-m',
      'fontTools.subset',
      source,
      `--font-number=${SC_FACE}`,
      `--text-file=${textFile}`,
      // Kerning and ligatures stay in the font but the previews switch them off (font-kerning: none), so a line is
      // exactly as wide as the sum of its advances in the width table.
      '--layout-features=kern,liga,locl',
      '--flavor=woff2',
      '--name-IDs=*',
      `--output-file=${output}`,
    ]);
    console.log(`${path.relative(root, output)}: ${fs.statSync(output).size} bytes`);
  }
  fs.rmSync(work, { recursive: true, force: true });
}
