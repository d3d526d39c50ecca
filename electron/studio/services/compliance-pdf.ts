/**
 * The compliance report as a PDF, drawn in the host with @napi-rs/canvas's PDFDocument (Skia's PDF backend: real
 * text with embedded, subsetted fonts, so it can be searched and copied).
 *
 * A CJK font is needed. @napi-rs/canvas registers only the first face of a system TTC collection, which for Noto
 * Sans CJK is the Japanese one (stack-notes trap 5: Japanese glyph shapes for some Simplified Chinese characters),
 * so the Simplified Chinese face is cut out of the collection into a standalone font and registered from memory.
 * Where no CJK font is found the export answers NOT_CONFIGURED rather than printing empty boxes.
 */
import fs from 'node:fs';
import { GlobalFonts, PDFDocument } from '@napi-rs/canvas';
import { StudioError } from '../../../shared/contract/index';
import { SEVERITY_LABELS } from '../../../shared/domain/compliance-labels';
import { fill, type ReportModel } from './compliance-report';

const FAMILY = 'CreatorStudioReportCJK';

/** Fonts to try, most specific first: [file, which face of a collection to prefer]. */
const FONT_CANDIDATES: Array<[string, RegExp]> = [
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', /CJK SC\b/],
  ['/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', /CJK SC\b/],
  ['/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', /CJK SC\b/],
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', /Micro Hei/],
  ['/System/Library/Fonts/PingFang.ttc', /PingFang SC/],
  ['/System/Library/Fonts/STHeiti Light.ttc', /Heiti SC/],
  ['C:\\Windows\\Fonts\\msyh.ttc', /YaHei/],
  ['C:\\Windows\\Fonts\\simsun.ttc', /SimSun/],
];

let registered: string | null | undefined;

/** The family name to draw CJK text with, registering the font on first use; null when none is available. */
export function reportFont(candidates = FONT_CANDIDATES): string | null {
  if (registered !== undefined) return registered;
  registered = null;
  for (const [file, face] of candidates) {
    if (!fs.existsSync(file)) continue;
    try {
      const bytes = fs.readFileSync(file);
      const font = bytes.subarray(0, 4).toString('latin1') === 'ttcf' ? extractFace(bytes, face) : bytes;
      if (GlobalFonts.register(font, FAMILY)) {
        registered = FAMILY;
        break;
      }
    } catch {
      // An unreadable or unexpected font file: try the next one.
    }
  }
  return registered;
}

/**
 * Cuts one face out of a TrueType/OpenType collection (TTC) into a standalone font: the face's tables copied after a
 * new table directory. Picks the face whose family name matches `face`, else the first.
 */
export function extractFace(ttc: Buffer, face: RegExp): Buffer {
  const count = ttc.readUInt32BE(8);
  const offsets = Array.from({ length: count }, (_, i) => ttc.readUInt32BE(12 + i * 4));
  const chosen = offsets.find((o) => face.test(familyName(ttc, o))) ?? offsets[0]!;
  const numTables = ttc.readUInt16BE(chosen + 4);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const rec = chosen + 12 + i * 16;
    const tag = ttc.toString('latin1', rec, rec + 4);
    const data = ttc.subarray(ttc.readUInt32BE(rec + 8), ttc.readUInt32BE(rec + 8) + ttc.readUInt32BE(rec + 12));
    return { tag, data: tag === 'cmap' ? (withoutRadicals(data) ?? data) : data };
  });
  return writeFont(ttc.readUInt32BE(chosen), tables);
}

/** An sfnt file from its tables (checksums are not recomputed: FreeType and Skia do not check them). */
function writeFont(sfntVersion: number, tables: Array<{ tag: string; data: Buffer }>): Buffer {
  const headerSize = 12 + tables.length * 16;
  const out = Buffer.alloc(tables.reduce((n, t) => n + ((t.data.length + 3) & ~3), headerSize));
  out.writeUInt32BE(sfntVersion, 0);
  out.writeUInt16BE(tables.length, 4);
  const pow = 2 ** Math.floor(Math.log2(tables.length));
  out.writeUInt16BE(pow * 16, 6);
  out.writeUInt16BE(Math.log2(pow), 8);
  out.writeUInt16BE(tables.length * 16 - pow * 16, 10);
  let at = headerSize;
  tables.forEach((t, i) => {
    const rec = 12 + i * 16;
    out.write(t.tag, rec, 'latin1');
    out.writeUInt32BE(0, rec + 4);
    out.writeUInt32BE(at, rec + 8);
    out.writeUInt32BE(t.data.length, rec + 12);
    t.data.copy(out, at);
    at += (t.data.length + 3) & ~3;
  });
  return out;
}

/** Kangxi radicals and the CJK radicals supplement: they share glyphs with the ideographs they look like. */
const RADICALS: Array<[number, number]> = [[0x2e80, 0x2fdf]];

/**
 * A cmap with only the full Unicode subtable (3,10 format 12) and without the radical code points. Skia's PDF text
 * layer maps each glyph back to the first code point that uses it, and 网 (U+7F51) shares its glyph with the radical
 * ⽹ (U+2F79): copied or searched text would come out as radicals. Null when the font has no such subtable.
 */
export function withoutRadicals(cmap: Buffer): Buffer | null {
  const n = cmap.readUInt16BE(2);
  for (let i = 0; i < n; i++) {
    const rec = 4 + i * 8;
    if (cmap.readUInt16BE(rec) !== 3 || cmap.readUInt16BE(rec + 2) !== 10) continue;
    const sub = cmap.readUInt32BE(rec + 4);
    if (cmap.readUInt16BE(sub) !== 12) continue;
    const groups: Array<[number, number, number]> = [];
    const count = cmap.readUInt32BE(sub + 12);
    for (let g = 0; g < count; g++) {
      const at = sub + 16 + g * 12;
      const end = cmap.readUInt32BE(at + 4);
      let start = cmap.readUInt32BE(at);
      let glyph = cmap.readUInt32BE(at + 8);
      for (const [from, to] of RADICALS) {
        if (end < from || start > to) continue;
        if (start < from) groups.push([start, from - 1, glyph]);
        if (end > to) {
          glyph += to + 1 - start;
          start = to + 1;
        } else start = end + 1;
      }
      if (start <= end) groups.push([start, end, glyph]);
    }
    const table = Buffer.alloc(4 + 8 + 16 + groups.length * 12);
    table.writeUInt16BE(0, 0);
    table.writeUInt16BE(1, 2);
    table.writeUInt16BE(3, 4);
    table.writeUInt16BE(10, 6);
    table.writeUInt32BE(12, 8);
    table.writeUInt16BE(12, 12);
    table.writeUInt32BE(16 + groups.length * 12, 16);
    table.writeUInt32BE(0, 20);
    table.writeUInt32BE(groups.length, 24);
    groups.forEach(([start, end, glyph], g) => {
      table.writeUInt32BE(start, 28 + g * 12);
      table.writeUInt32BE(end, 32 + g * 12);
      table.writeUInt32BE(glyph, 36 + g * 12);
    });
    return table;
  }
  return null;
}

/** The family name (name id 1, Windows Unicode) of the face whose table directory starts at `dir`. */
function familyName(font: Buffer, dir: number): string {
  const numTables = font.readUInt16BE(dir + 4);
  for (let i = 0; i < numTables; i++) {
    const rec = dir + 12 + i * 16;
    if (font.toString('latin1', rec, rec + 4) !== 'name') continue;
    const table = font.readUInt32BE(rec + 8);
    const n = font.readUInt16BE(table + 2);
    const strings = table + font.readUInt16BE(table + 4);
    const names: string[] = [];
    for (let j = 0; j < n; j++) {
      const r = table + 6 + j * 12;
      const [platform, encoding, , nameId, length, offset] = [0, 2, 4, 6, 8, 10].map((k) => font.readUInt16BE(r + k)) as number[];
      if (platform !== 3 || encoding !== 1 || (nameId !== 1 && nameId !== 4)) continue;
      const raw = Buffer.from(font.subarray(strings + offset!, strings + offset! + length!));
      names.push(raw.swap16().toString('utf16le'));
    }
    return names.join(' | ');
  }
  return '';
}

const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const COLORS = { text: '#1f2328', muted: '#57606a', block: '#a40e26', must_fix: '#7d4e00', info: '#0550ae', ok: '#116329', line: '#d0d7de' };
const SEVERITY_BG = { block: '#ffebe9', must_fix: '#fff8c5', info: '#ddf4ff' } as const;

/** Splits text into lines no wider than `width`: CJK breaks anywhere, Latin words stay whole where they fit. */
export function wrapText(measure: (s: string) => number, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    const tokens = paragraph.match(/[A-Za-z0-9@#%&+\-_.,:;!?'"/()[\]]+|\s+|./gsu) ?? [''];
    for (const token of tokens) {
      const w = measure(token);
      if (lineWidth + w <= width || line === '') {
        if (w > width && line === '') {
          // A single token wider than the line (a long URL): break it by characters.
          for (const ch of token) {
            const cw = measure(ch);
            if (lineWidth + cw > width && line !== '') {
              lines.push(line);
              line = '';
              lineWidth = 0;
            }
            line += ch;
            lineWidth += cw;
          }
          continue;
        }
        line += token;
        lineWidth += w;
        continue;
      }
      lines.push(line.trimEnd());
      line = /^\s+$/.test(token) ? '' : token;
      lineWidth = line ? w : 0;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Draws the report onto A4 pages and returns the PDF file's bytes. */
export function renderReportPdf(model: ReportModel, options: { font?: string | null } = {}): Buffer {
  const family = options.font === undefined ? reportFont() : options.font;
  if (!family) {
    throw new StudioError('NOT_CONFIGURED', 'No Chinese font was found for the PDF report; export it as HTML and print that instead', {
      details: { need: 'cjkFont' },
    });
  }
  const { t } = model;
  const doc = new PDFDocument({ title: `${t.title} · ${model.courseTitle}`, creator: 'Creator Studio', producer: 'Creator Studio' });
  const contentWidth = PAGE.width - PAGE.margin * 2;
  const bottom = PAGE.height - PAGE.margin;
  let ctx!: ReturnType<PDFDocument['beginPage']>;
  let y = 0;
  let page = 0;
  const widths = new Map<string, number>();

  // Latin letters and digits from a TrueType font where there is one: Skia embeds CFF fonts such as Noto CJK as Type 3,
  // whose digits lose their text mapping (copying "2024" from the PDF gave nothing); CJK falls back to the CJK face.
  const setFont = (size: number) => {
    ctx.font = `${size}px "DejaVu Sans", Arial, Helvetica, ${family}`;
  };
  const measureWith = (size: number) => (s: string) => {
    const key = `${size}|${s}`;
    let w = widths.get(key);
    if (w === undefined) {
      w = ctx.measureText(s).width;
      widths.set(key, w);
    }
    return w;
  };

  const newPage = () => {
    if (page > 0) endPage();
    ctx = doc.beginPage(PAGE.width, PAGE.height);
    // No ligatures: "fi" stays two letters, so the text can be searched and copied as typed.
    ctx.textRendering = 'optimizeSpeed';
    page++;
    y = PAGE.margin;
  };
  const endPage = () => {
    setFont(9);
    ctx.fillStyle = COLORS.muted;
    ctx.textAlign = 'center';
    ctx.fillText(fill(t.page, { n: page }), PAGE.width / 2, PAGE.height - PAGE.margin / 2);
    ctx.textAlign = 'left';
    doc.endPage();
  };
  const ensure = (height: number) => {
    if (y + height > bottom) newPage();
  };

  /** Wrapped text at the current y, starting a new page where it runs out. */
  const paragraph = (text: string, size: number, color: string, indent = 0, gap = 4) => {
    setFont(size);
    const lineHeight = size * 1.5;
    for (const line of wrapText(measureWith(size), text, contentWidth - indent)) {
      ensure(lineHeight);
      setFont(size);
      ctx.fillStyle = color;
      ctx.textBaseline = 'top';
      ctx.fillText(line, PAGE.margin + indent, y);
      y += lineHeight;
    }
    y += gap;
  };

  newPage();
  paragraph(t.title, 22, COLORS.text, 0, 6);
  paragraph(`${t.course}${t.colon}${model.courseTitle}`, 13, COLORS.text, 0, 6);
  for (const [label, value] of [
    [t.generatedAt, model.generatedAt],
    [t.version, String(model.courseVersion)],
    [t.ruleset, model.rulesetVersion],
    [t.lists, model.listsVersion],
    [t.publish, model.publish],
  ] as const) {
    paragraph(`${label}${t.colon}${value}`, 10, COLORS.muted, 0, 0);
  }
  y += 8;
  paragraph(model.verdict, 12, model.allowed ? COLORS.ok : COLORS.block, 0, 4);
  paragraph(
    (['block', 'must_fix', 'info'] as const).map((s) => `${SEVERITY_LABELS[s][model.lang]}${t.colon}${model.counts[s]}`).join('    '),
    11,
    COLORS.text,
    0,
    10,
  );
  if (model.groups.length === 0) paragraph(t.nothing, 11, COLORS.text);

  for (const group of model.groups) {
    ensure(28 + 60);
    setFont(13);
    ctx.fillStyle = SEVERITY_BG[group.severity];
    ctx.fillRect(PAGE.margin, y, contentWidth, 24);
    y += 4;
    paragraph(fill(t.groupTitle, { title: group.title, n: group.findings.length }), 13, COLORS[group.severity], 8, 8);
    for (const f of group.findings) {
      ensure(60);
      paragraph(f.where, 11, COLORS.text, 0, 0);
      paragraph(`${t.matched}${t.colon}「${f.text}」`, 10.5, COLORS.text, 12, 0);
      paragraph(`${t.why}${t.colon}${f.message}`, 10.5, COLORS.text, 12, 0);
      paragraph(`${t.basis}${t.colon}${f.basis}`, 10.5, COLORS.muted, 12, 0);
      if (f.suggestion !== null) paragraph(`${t.suggestion}${t.colon}${f.suggestion}`, 10.5, COLORS.text, 12, 0);
      if (group.severity === 'must_fix') {
        if (f.acknowledgement) paragraph(`${t.ack}${t.colon}${fill(t.ackBy, f.acknowledgement)}`, 10.5, COLORS.ok, 12, 0);
        else paragraph(`${t.ack}${t.colon}${t.notAcked}`, 10.5, COLORS.block, 12, 0);
      }
      y += 6;
      ensure(1);
      ctx.fillStyle = COLORS.line;
      ctx.fillRect(PAGE.margin, y - 3, contentWidth, 0.5);
      y += 4;
    }
    y += 6;
  }

  ensure(40);
  paragraph(t.trail, 15, COLORS.text, 0, 6);
  if (model.trail.length === 0) paragraph(t.trailEmpty, 11, COLORS.text);
  for (const r of model.trail) {
    ensure(40);
    paragraph(`${r.at} · ${r.actor} · ${r.action} · ${r.where}`, 10.5, COLORS.text, 0, 0);
    paragraph(`${r.rule} · 「${r.text}」`, 10, COLORS.muted, 12, 0);
    paragraph(`${t.columns.reason}${t.colon}${r.reason || '—'}`, 10, COLORS.text, 12, 6);
  }
  endPage();
  return doc.close();
}
