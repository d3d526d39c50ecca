/**
 * Readable differences between two course documents: which top-level fields changed (strings with a character diff),
 * and how the outline changed (chapters and lessons added, removed, renamed, moved). Pure; the host answers
 * `versions.compare` with it and a test runs it directly.
 *
 * The character diff works on Unicode code points, so Chinese text (no spaces between words) diffs character by
 * character and an emoji is never cut in half. Myers' O(ND) algorithm after trimming the common prefix and suffix;
 * past MAX_EDIT_DISTANCE edits it gives up on finesse and reports the differing middle as one deletion and one
 * insertion, so a diff of two unrelated long texts stays fast.
 */
import type { CourseDiff, TextOp } from '../contract/library';

export const MAX_EDIT_DISTANCE = 2000;

/** Fields that describe a stored copy rather than its content; never shown as changes. */
const BOOKKEEPING = new Set(['id', 'version', 'createdAt', 'updatedAt', 'chapters']);

function push(ops: TextOp[], op: TextOp['op'], text: string): void {
  if (!text) return;
  const last = ops[ops.length - 1];
  if (last && last.op === op) last.text += text;
  else ops.push({ op, text });
}

/** The character diff of `a` → `b`: equal, delete and insert runs in order (deletes before inserts at one place). */
export function diffText(a: string, b: string): TextOp[] {
  const x = [...a];
  const y = [...b];
  let prefix = 0;
  while (prefix < x.length && prefix < y.length && x[prefix] === y[prefix]) prefix++;
  let suffix = 0;
  while (suffix < x.length - prefix && suffix < y.length - prefix && x[x.length - 1 - suffix] === y[y.length - 1 - suffix]) suffix++;
  const ops: TextOp[] = [];
  push(ops, 'equal', x.slice(0, prefix).join(''));
  const xm = x.slice(prefix, x.length - suffix);
  const ym = y.slice(prefix, y.length - suffix);
  for (const op of myers(xm, ym)) push(ops, op.op, op.text);
  push(ops, 'equal', x.slice(x.length - suffix).join(''));
  return ops;
}

/** Myers' greedy shortest edit script, with the trace kept to walk back; the fallback past MAX_EDIT_DISTANCE. */
function myers(x: string[], y: string[]): TextOp[] {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) return [{ op: 'delete', text: x.join('') }, { op: 'insert', text: y.join('') }].filter((o) => o.text) as TextOp[];
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let px: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) px = v[offset + k + 1]!;
      else px = v[offset + k - 1]! + 1;
      let py = px - k;
      while (px < n && py < m && x[px] === y[py]) {
        px++;
        py++;
      }
      next[offset + k] = px;
      if (px >= n && py >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  if (found < 0) return [{ op: 'delete', text: x.join('') }, { op: 'insert', text: y.join('') }];

  // Walk back through the trace from (n, m) to (0, 0), collecting ops in reverse.
  const reversed: TextOp[] = [];
  let px = n;
  let py = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!;
    const k = px - py;
    const down = k === -d || (k !== d && prev[offset + k - 1]! < prev[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK]!;
    const prevY = prevX - prevK;
    while (px > (down ? prevX : prevX + 1) && py > (down ? prevY + 1 : prevY)) {
      reversed.push({ op: 'equal', text: x[px - 1]! });
      px--;
      py--;
    }
    if (down) reversed.push({ op: 'insert', text: y[py - 1]! });
    else reversed.push({ op: 'delete', text: x[px - 1]! });
    px = prevX;
    py = prevY;
  }
  while (px > 0 && py > 0) {
    reversed.push({ op: 'equal', text: x[px - 1]! });
    px--;
    py--;
  }
  const ops: TextOp[] = [];
  for (let i = reversed.length - 1; i >= 0; i--) push(ops, reversed[i]!.op, reversed[i]!.text);
  return reorder(ops);
}

/** Within each run of changes between equal runs, deletions first: "删旧 加新" reads better than interleaved. */
function reorder(ops: TextOp[]): TextOp[] {
  const out: TextOp[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    push(out, 'delete', del);
    push(out, 'insert', ins);
    del = '';
    ins = '';
  };
  for (const op of ops) {
    if (op.op === 'equal') {
      flush();
      push(out, 'equal', op.text);
    } else if (op.op === 'delete') del += op.text;
    else ins += op.text;
  }
  flush();
  return out;
}

/**
 * How many characters changed between two texts, cheaply: the length of the differing middle after trimming the
 * common prefix and suffix (an upper bound of the edit distance; exact for one contiguous edit). Used on every save.
 */
export function changedChars(a: string, b: string): number {
  let prefix = 0;
  const limit = Math.min(a.length, b.length);
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return Math.max(a.length - prefix - suffix, b.length - prefix - suffix);
}

/** The parts of a course document the diff reads; any other top-level field is compared generically. */
export interface DiffableCourse {
  chapters: { id: string; title: string; lessons: { id: string; title: string }[] }[];
  [field: string]: unknown;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

/** Characters changed between two documents: every string field and every outline title, matched by id. */
export function documentChangedChars(a: DiffableCourse, b: DiffableCourse): number {
  let total = 0;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (BOOKKEEPING.has(key)) continue;
    total += changedChars(show(a[key]), show(b[key]));
  }
  const titles = (c: DiffableCourse) => {
    const map = new Map<string, string>();
    for (const ch of c.chapters) {
      map.set(ch.id, ch.title);
      for (const l of ch.lessons) map.set(l.id, l.title);
    }
    return map;
  };
  const ta = titles(a);
  const tb = titles(b);
  for (const [id, title] of ta) total += changedChars(title, tb.get(id) ?? '');
  for (const [id, title] of tb) if (!ta.has(id)) total += title.length;
  return total;
}

export function diffCourses(before: DiffableCourse, after: DiffableCourse): CourseDiff {
  const fields: CourseDiff['fields'] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (BOOKKEEPING.has(key)) continue;
    const a = before[key];
    const b = after[key];
    const sa = show(a);
    const sb = show(b);
    if (sa === sb) continue;
    const isText = (typeof a === 'string' || a === undefined) && (typeof b === 'string' || b === undefined);
    fields.push({ field: key, before: sa, after: sb, text: isText ? diffText(sa, sb) : null });
  }

  const outline: CourseDiff['outline'] = [];
  const chapterTitle = (c: DiffableCourse) => new Map(c.chapters.map((ch) => [ch.id, ch.title]));
  const beforeChapters = chapterTitle(before);
  const afterChapters = chapterTitle(after);
  const rename = (kind: 'chapter' | 'lesson', id: string, t0: string, t1: string, moved: boolean, from: string | null, to: string | null) => {
    const renamed = t0 !== t1;
    if (!renamed && !moved) return;
    outline.push({
      kind,
      id,
      change: renamed && moved ? 'renamedMoved' : renamed ? 'renamed' : 'moved',
      title: t1,
      beforeTitle: renamed ? t0 : null,
      text: renamed ? diffText(t0, t1) : null,
      fromChapter: from,
      toChapter: to,
    });
  };

  // Chapters: "moved" when outside the longest run the two versions keep in the same relative order.
  const movedChapters = movedIds(
    before.chapters.filter((c) => afterChapters.has(c.id)).map((c) => c.id),
    after.chapters.filter((c) => beforeChapters.has(c.id)).map((c) => c.id),
  );
  for (const ch of after.chapters) {
    if (!beforeChapters.has(ch.id)) {
      outline.push({ kind: 'chapter', id: ch.id, change: 'added', title: ch.title, beforeTitle: null, text: null, fromChapter: null, toChapter: null });
    } else {
      rename('chapter', ch.id, beforeChapters.get(ch.id)!, ch.title, movedChapters.has(ch.id), null, null);
    }
  }
  for (const ch of before.chapters) {
    if (!afterChapters.has(ch.id)) {
      outline.push({ kind: 'chapter', id: ch.id, change: 'removed', title: ch.title, beforeTitle: ch.title, text: null, fromChapter: null, toChapter: null });
    }
  }

  // Lessons: moved when its chapter changed, or when reordered within the chapter (as chapters above).
  type Place = { title: string; chapterId: string; chapterTitle: string };
  const places = (c: DiffableCourse) => {
    const map = new Map<string, Place>();
    for (const ch of c.chapters) for (const l of ch.lessons) map.set(l.id, { title: l.title, chapterId: ch.id, chapterTitle: ch.title });
    return map;
  };
  const pb = places(before);
  const pa = places(after);
  const orderIn = (c: DiffableCourse, chapterId: string, other: Map<string, Place>) =>
    (c.chapters.find((ch) => ch.id === chapterId)?.lessons ?? []).filter((l) => other.get(l.id)?.chapterId === chapterId).map((l) => l.id);
  const movedLessons = new Set<string>();
  for (const ch of after.chapters) {
    if (!beforeChapters.has(ch.id)) continue;
    for (const lessonId of movedIds(orderIn(before, ch.id, pa), orderIn(after, ch.id, pb))) movedLessons.add(lessonId);
  }
  for (const ch of after.chapters) {
    for (const l of ch.lessons) {
      const was = pb.get(l.id);
      if (!was) {
        outline.push({ kind: 'lesson', id: l.id, change: 'added', title: l.title, beforeTitle: null, text: null, fromChapter: null, toChapter: ch.title });
        continue;
      }
      const changedChapter = was.chapterId !== ch.id;
      rename('lesson', l.id, was.title, l.title, changedChapter || movedLessons.has(l.id), was.chapterTitle, ch.title);
    }
  }
  for (const [lessonId, was] of pb) {
    if (!pa.has(lessonId)) {
      outline.push({ kind: 'lesson', id: lessonId, change: 'removed', title: was.title, beforeTitle: was.title, text: null, fromChapter: was.chapterTitle, toChapter: null });
    }
  }
  return { fields, outline };
}

/**
 * The ids of `after` (a reordering of `before`'s ids) that moved: those outside a longest increasing subsequence of
 * their old positions, so moving one item reports that item, not every item it jumped over.
 */
export function movedIds(before: readonly string[], after: readonly string[]): Set<string> {
  const position = new Map(before.map((id, i) => [id, i]));
  const seq = after.map((id) => position.get(id) ?? -1);
  // Patience sorting: tails[k] = index in seq of the smallest tail of an increasing run of length k + 1.
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  seq.forEach((value, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const kept = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) kept.add(i);
  return new Set(after.filter((_, i) => !kept.has(i)));
}
