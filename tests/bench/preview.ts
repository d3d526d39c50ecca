/**
 * How fast every WeChat surface is laid out again after a keystroke (`npm run bench:preview`). The gallery in the
 * editor recomputes the whole preview — 11 surfaces, warnings and field counters — on each edit of the title or the
 * summary, with the same shared function measured here (shared/preview/layout.ts, text measured from the glyph
 * table), so this is the page's budget too. Target: median under 16 ms (one frame at 60 Hz) over 1,000 edits.
 *
 * For comparison, the same edits laid out by a peer that measures text with Skia (@napi-rs/canvas measureText, the
 * way a canvas-based preview would) for the two edited fields only. Prints figures and exits 0: a missed target is
 * reported, not thrown.
 */
import os from 'node:os';
import { createCanvas } from '@napi-rs/canvas';
import { registerPreviewFonts } from '../../electron/studio/services/preview-render';
import {
  DEFAULT_PREVIEW_SETTINGS,
  PREVIEW_FONT_FAMILY,
  SURFACE_IDS,
  layoutPreview,
  type PreviewCourse,
  type PreviewEnv,
} from '../../shared/preview/index';

const EDITS = 1000;
const TARGET_MS = 16;

/** A typical course: a 24-character mixed title, a 300-character summary, 6 chapters of 5 lessons, a cover with crops. */
function typicalCourse(): PreviewCourse {
  const summary =
    '每天一篇，三周养成写作习惯。资深编辑带你拆解 100 篇爆款文章，掌握选题、结构、标题与修改的全部方法。' +
    '课程包含 30 节视频课、每日写作打卡和 3 次直播答疑，适合想开始写公众号、小红书的新手，也适合想提高效率的职场人。' +
    '学完你将拥有一套自己的写作流程：从灵感收集到发布复盘，每一步都有模板和清单。报名即送《爆款标题 100 例》电子书，' +
    '以及 21 天写作社群的入群资格。限时早鸟价，前 200 名再减 50 元。';
  return {
    title: '21 天写作训练营：从零写出 10w+ 爆款',
    summary: summary.slice(0, 300),
    type: 'camp',
    priceFen: 19900,
    chapters: Array.from({ length: 6 }, (_, c) => ({
      title: `第 ${c + 1} 周：写作基本功 ${c + 1}`,
      lessons: Array.from({ length: 5 }, (_, l) => ({ title: `第 ${l + 1} 课 选题与结构拆解` })),
    })),
    cover: { width: 900, height: 500, bytes: 180_000, mime: 'image/jpeg' },
    crops: {
      crop235: { x1: 0, y1: 0.1, x2: 1, y2: 0.865957 },
      crop11: { x1: 0.3, y1: 0, x2: 0.855556, y2: 1 },
      focus: { x1: 0.4, y1: 0.3, x2: 0.6, y2: 0.7 },
    },
  };
}

const TYPED = '写作训练营课程ABCxyz0123，。爆款标题😀的方法';

/** 1,000 edits as a creator types: characters appended, every fifth keystroke a backspace, title and summary in turn. */
function* edits(start: PreviewCourse): Generator<PreviewCourse> {
  let course = start;
  for (let i = 0; i < EDITS; i++) {
    const field = Math.floor(i / 50) % 2 === 0 ? 'title' : 'summary';
    const text = course[field];
    const next = i % 5 === 4 ? [...text].slice(0, -1).join('') : text + [...TYPED][i % [...TYPED].length];
    course = { ...course, [field]: next };
    yield course;
  }
}

interface Stats {
  median: number;
  p95: number;
  max: number;
  min: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
    p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!,
    max: s.at(-1)!,
    min: s[0]!,
  };
}

const fmt = (ms: number) => ms.toFixed(3).padStart(8);

function run(name: string, layout: (course: PreviewCourse) => unknown): Stats {
  const samples: number[] = [];
  let sink = 0;
  for (const course of edits(typicalCourse())) {
    const t0 = performance.now();
    const result = layout(course);
    samples.push(performance.now() - t0);
    sink += result ? 1 : 0;
  }
  if (sink !== EDITS) throw new Error('a layout returned nothing');
  const s = stats(samples);
  const verdict = s.median < TARGET_MS ? 'PASS' : 'MISS';
  console.log(`${name.padEnd(50)} median ${fmt(s.median)} ms   p95 ${fmt(s.p95)} ms   max ${fmt(s.max)} ms   min ${fmt(s.min)} ms   target < ${TARGET_MS} ms  ${verdict}`);
  return s;
}

console.log(`Preview layout after each keystroke: ${EDITS} edits of a typical course, ${SURFACE_IDS.length} surfaces each`);
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, ${os.platform()}-${os.arch()}`);

const env = (device: PreviewEnv['device'], appearance: PreviewEnv['appearance']): PreviewEnv => ({ device, appearance, settings: DEFAULT_PREVIEW_SETTINGS });

// The first layout in a process builds the glyph tables: reported on its own, as the page pays it once.
const coldStart = performance.now();
layoutPreview(typicalCourse(), env('standard375', 'light'));
console.log(`${'first layout in the process (cold)'.padEnd(50)} ${fmt(performance.now() - coldStart)} ms`);

const ours = run('all surfaces + warnings + counters, 375 pt light', (c) => layoutPreview(c, env('standard375', 'light')));
run('all surfaces + warnings + counters, Android dark', (c) => layoutPreview(c, env('android360', 'dark')));
const long = { ...typicalCourse(), summary: '长'.repeat(1000) };
run('with a 1,000-character summary', (c) => layoutPreview({ ...c, summary: long.summary + c.summary.slice(-3) }, env('standard375', 'light')));

// The peer: measuring the edited field's text with Skia, one measureText per character as a wrap loop needs it.
registerPreviewFonts();
const ctx = createCanvas(8, 8).getContext('2d');
ctx.fontKerning = 'none';
ctx.font = `17px "${PREVIEW_FONT_FAMILY}"`;
const peer = run('peer: Skia measureText of the edited field', (c) => {
  let width = 0;
  for (const ch of c.title + c.summary) width += ctx.measureText(ch).width;
  return width + 1;
});
console.log(`Ratio: our whole preview (11 surfaces) takes ${(ours.median / peer.median).toFixed(2)}× the time Skia needs just to measure the two edited fields.`);
