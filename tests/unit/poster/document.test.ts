/**
 * The poster document model and its pure operations: migrate-on-load, every change kind with undo/redo, groups, locks,
 * align/distribute, snapping, text layout (CJK and Latin wrapping, auto-fit), variables, QR geometry and checks,
 * tracking links.
 */
import { describe, expect, it } from 'vitest';
import {
  POSTER_SCHEMA_VERSION,
  PosterDocumentError,
  applyChange,
  boundsOf,
  commit,
  contrastRatio,
  createHistory,
  expandGroups,
  findTemplate,
  layoutPosterText,
  migratePosterDocument,
  parseTrackingLink,
  posterTemplates,
  qrRuns,
  qrWarnings,
  redo,
  sceneOwnerId,
  snapBox,
  substitute,
  trackingLink,
  undo,
  variablesIn,
  type PosterDocument,
  type PosterElement,
  type TextElement,
} from '../../../shared/poster/index';

const base = { rotation: 0, opacity: 1, locked: false, hidden: false, groupId: null, name: '' };
const rect = (id: string, x: number, y: number, width = 100, height = 100): PosterElement => ({
  ...base,
  id,
  x,
  y,
  width,
  height,
  type: 'shape',
  shape: 'rect',
  fill: '#FF0000',
  fill2: null,
  stroke: null,
  strokeWidth: 0,
  radius: 0,
});
const doc = (...elements: PosterElement[]): PosterDocument => ({ schemaVersion: 1, kind: 'custom', width: 1000, height: 2000, background: '#FFFFFF', elements, sampleValues: {} });
const text = (value: string, patch: Partial<TextElement> = {}): TextElement => ({
  ...base,
  id: 't',
  x: 0,
  y: 0,
  width: 300,
  height: 200,
  type: 'text',
  text: value,
  fontSize: 30,
  fontWeight: 'regular',
  lineHeight: 1.5,
  color: '#000000',
  align: 'left',
  verticalAlign: 'top',
  autoFit: false,
  minFontSize: 12,
  ...patch,
});

describe('migrate on load', () => {
  it('reads a current document and every bundled template', () => {
    expect(migratePosterDocument(JSON.parse(JSON.stringify(doc(rect('a', 0, 0))))).elements).toHaveLength(1);
    for (const t of posterTemplates()) expect(migratePosterDocument(JSON.parse(JSON.stringify(t.document))).schemaVersion).toBe(POSTER_SCHEMA_VERSION);
  });

  it('refuses a document from a newer version, and one that is not a poster', () => {
    expect(() => migratePosterDocument({ ...doc(), schemaVersion: POSTER_SCHEMA_VERSION + 1 })).toThrow(expect.objectContaining({ code: 'poster.tooNew' }));
    expect(() => migratePosterDocument({ elements: [] })).toThrow(PosterDocumentError);
    expect(() => migratePosterDocument({ ...doc(rect('a', 0, 0), rect('a', 1, 1)) })).toThrow(expect.objectContaining({ code: 'poster.invalid' }));
    expect(() => migratePosterDocument([])).toThrow(PosterDocumentError);
  });
});

describe('changes and history', () => {
  it('moves, undoes and redoes as single steps; a no-op records nothing', () => {
    let h = createHistory(doc(rect('a', 10, 10), rect('b', 200, 10)));
    h = commit(h, { type: 'move', ids: ['a', 'b'], dx: 5, dy: -3 });
    expect(h.present.elements.map((e) => [e.x, e.y])).toEqual([[15, 7], [205, 7]]);
    expect(commit(h, { type: 'move', ids: ['a'], dx: 0, dy: 0 })).toBe(h);
    h = undo(h);
    expect(h.present.elements.map((e) => e.x)).toEqual([10, 200]);
    h = redo(h);
    expect(h.present.elements.map((e) => e.x)).toEqual([15, 205]);
    expect(h.past).toHaveLength(1);
    // A new change after an undo drops the redo branch.
    h = commit(undo(h), { type: 'remove', ids: ['b'] });
    expect(h.future).toEqual([]);
    expect(h.present.elements.map((e) => e.id)).toEqual(['a']);
  });

  it('leaves untouched elements as the same objects (structural sharing keeps snapshots cheap)', () => {
    const before = doc(rect('a', 0, 0), rect('b', 0, 0));
    const after = applyChange(before, { type: 'update', id: 'a', patch: { opacity: 0.5 } });
    expect(after.elements[1]).toBe(before.elements[1]);
    expect(after.elements[0]).not.toBe(before.elements[0]);
  });

  it('does not move or transform locked elements', () => {
    const d = doc({ ...rect('a', 0, 0), locked: true }, rect('b', 0, 0));
    const moved = applyChange(d, { type: 'move', ids: ['a', 'b'], dx: 10, dy: 10 });
    expect(moved.elements.map((e) => e.x)).toEqual([0, 10]);
    expect(applyChange(d, { type: 'transform', boxes: [{ id: 'a', x: 5, y: 5, width: 50, height: 50, rotation: 45 }] })).toBe(d);
    expect(applyChange(d, { type: 'lock', ids: ['a'], locked: false }).elements[0]!.locked).toBe(false);
  });

  it('keeps a QR code square when transformed', () => {
    const qr: PosterElement = { ...base, id: 'q', x: 0, y: 0, width: 200, height: 200, type: 'qr', content: { kind: 'tracking' }, errorCorrection: 'M', foreground: '#000000', background: '#FFFFFF' };
    const out = applyChange(doc(qr), { type: 'transform', boxes: [{ id: 'q', x: 0, y: 0, width: 300, height: 180, rotation: 0 }] });
    expect([out.elements[0]!.width, out.elements[0]!.height]).toEqual([300, 300]);
  });

  it('reorders layers: front, back, one step, and to an index', () => {
    const d = doc(rect('a', 0, 0), rect('b', 0, 0), rect('c', 0, 0));
    const ids = (x: PosterDocument) => x.elements.map((e) => e.id).join('');
    expect(ids(applyChange(d, { type: 'reorder', ids: ['a'], to: 'front' }))).toBe('bca');
    expect(ids(applyChange(d, { type: 'reorder', ids: ['c'], to: 'back' }))).toBe('cab');
    expect(ids(applyChange(d, { type: 'reorder', ids: ['a'], to: 'forward' }))).toBe('bac');
    expect(ids(applyChange(d, { type: 'reorder', ids: ['c'], to: 'backward' }))).toBe('acb');
    expect(applyChange(d, { type: 'reorder', ids: ['c'], to: 'forward' })).toBe(d);
    expect(ids(applyChange(d, { type: 'moveTo', id: 'c', index: 0 }))).toBe('cab');
  });

  it('groups: a click on one member selects all; ungroup clears it', () => {
    let d = doc(rect('a', 0, 0), rect('b', 0, 0), rect('c', 0, 0));
    d = applyChange(d, { type: 'group', ids: ['a', 'c'], groupId: 'g1' });
    expect(expandGroups(d, ['c'])).toEqual(['a', 'c']);
    expect(expandGroups(d, ['b'])).toEqual(['b']);
    d = applyChange(d, { type: 'ungroup', ids: ['a', 'c'] });
    expect(expandGroups(d, ['c'])).toEqual(['c']);
    expect(applyChange(d, { type: 'group', ids: ['a'], groupId: 'g2' })).toBe(d);
  });

  it('aligns one element to the poster and several to their common bounds, groups as blocks', () => {
    const one = applyChange(doc(rect('a', 10, 10)), { type: 'align', ids: ['a'], edge: 'hcenter', width: 1000, height: 2000 });
    expect(one.elements[0]!.x).toBe(450);
    const many = applyChange(doc(rect('a', 10, 10), rect('b', 300, 50, 200)), { type: 'align', ids: ['a', 'b'], edge: 'right', width: 1000, height: 2000 });
    expect(many.elements.map((e) => e.x + e.width)).toEqual([500, 500]);
    let grouped = applyChange(doc(rect('a', 0, 0), rect('b', 100, 0), rect('c', 600, 300)), { type: 'group', ids: ['a', 'b'], groupId: 'g' });
    grouped = applyChange(grouped, { type: 'align', ids: ['a', 'b', 'c'], edge: 'bottom', width: 1000, height: 2000 });
    expect(grouped.elements.map((e) => e.y)).toEqual([300, 300, 300]);
    expect(grouped.elements.map((e) => e.x)).toEqual([0, 100, 600]);
  });

  it('distributes three or more with equal gaps', () => {
    const d = applyChange(doc(rect('a', 0, 0), rect('b', 130, 0), rect('c', 600, 0)), { type: 'distribute', ids: ['c', 'a', 'b'], axis: 'horizontal' });
    expect(d.elements.map((e) => e.x)).toEqual([0, 300, 600]);
    expect(applyChange(doc(rect('a', 0, 0), rect('b', 10, 0)), { type: 'distribute', ids: ['a', 'b'], axis: 'vertical' }).elements[1]!.x).toBe(10);
  });

  it('sets background and sample values', () => {
    const d = applyChange(applyChange(doc(), { type: 'setBackground', color: 'brand.primary' }), { type: 'setSampleValue', name: 'nickname', value: '小明' });
    expect([d.background, d.sampleValues.nickname]).toEqual(['brand.primary', '小明']);
  });
});

describe('geometry', () => {
  it('bounds include rotation', () => {
    const b = boundsOf({ x: 0, y: 0, width: 100, height: 50, rotation: 90 });
    expect(b.x).toBeCloseTo(-50);
    expect(b.width).toBeCloseTo(50);
    expect(b.height).toBeCloseTo(100);
  });

  it('snaps to the poster centre and other elements’ edges within the threshold, with guides', () => {
    const s = snapBox({ x: 447, y: 1203, width: 100, height: 100 }, [{ x: 0, y: 1300, width: 50, height: 50 }], { width: 1000, height: 2000 }, 5);
    expect([s.x, s.y]).toEqual([450, 1200]);
    expect(s.guides).toEqual([{ axis: 'x', at: 500 }, { axis: 'y', at: 1300 }]);
    expect(snapBox({ x: 300, y: 333, width: 10, height: 10 }, [], { width: 1000, height: 2000 }, 5)).toEqual({ x: 300, y: 333, guides: [] });
  });
});

describe('text layout', () => {
  it('wraps Chinese anywhere but never starts a line with closing punctuation', () => {
    // 300 px at 30 px: ten ideographs per line.
    const l = layoutPosterText('一二三四五六七八九十，十一', text(''));
    expect(l.lines.map((x) => x.text)).toEqual(['一二三四五六七八九', '十，十一']);
  });

  it('wraps Latin at spaces and keeps explicit line breaks', () => {
    const l = layoutPosterText('Write every day\nwith us', text('', { width: 400 }));
    expect(l.lines.map((x) => x.text)).toEqual(['Write every day', 'with us']);
    const narrow = layoutPosterText('Write every day', text('', { width: 170 }));
    expect(narrow.lines.map((x) => x.text)).toEqual(['Write every', 'day']);
  });

  it('auto-fit shrinks the font until the text fits; without it the last line is cut with …', () => {
    const long = '坚持学习的第一百天，今天读完了一整本书，也写完了读书笔记。';
    const fit = layoutPosterText(long, text('', { height: 90, autoFit: true }));
    expect(fit.fontSize).toBeLessThan(30);
    expect(fit.truncated).toBe(false);
    expect(fit.lines.length * fit.fontSize * 1.5).toBeLessThanOrEqual(90.5);
    const cut = layoutPosterText(long, text('', { height: 90 }));
    expect(cut.lines).toHaveLength(2);
    expect(cut.truncated).toBe(true);
    expect(cut.lines[1]!.text.endsWith('…')).toBe(true);
  });

  it('aligns lines and places baselines inside the box', () => {
    const c = layoutPosterText('中文', text('', { align: 'center', verticalAlign: 'middle' }));
    expect(c.lines[0]!.x).toBeCloseTo((300 - 60) / 2);
    expect(c.lines[0]!.baseline).toBeGreaterThan(100 - 22.5);
    expect(c.lines[0]!.baseline).toBeLessThan(100 + 22.5);
    expect(layoutPosterText('中文', text('', { align: 'right' })).lines[0]!.x).toBeCloseTo(240);
  });
});

describe('variables', () => {
  it('substitutes known names and empties unknown ones', () => {
    expect(substitute('{{ nickname }} 第{{streakDays}}天{{nope}}', { nickname: '小明', streakDays: '12' })).toBe('小明 第12天');
    expect(variablesIn('{{a}}{{b}}{{a}}')).toEqual(['a', 'b']);
  });
});

describe('QR', () => {
  it('places modules inside a 4-module quiet zone, in whole pixels', () => {
    const matrix = { size: 21, data: Array.from({ length: 441 }, (_, i) => (i % 2 === 0 ? 1 : 0)) };
    const runs = qrRuns(matrix, 290);
    // 290 / (21 + 8) = 10 px per module: the first run starts 40 px in.
    expect(runs[0]).toEqual([40, 40, 10, 10]);
    const last = runs.at(-1)!;
    expect(last[0] + last[2]).toBeLessThanOrEqual(290 - 40);
    expect(runs.every(([x, y]) => Number.isInteger(x) && Number.isInteger(y))).toBe(true);
  });

  it('warns about small modules, low contrast and inverted colours', () => {
    expect(qrWarnings(100, 29, '#000000', '#FFFFFF').map((w) => w.code)).toEqual(['qr.tooSmall']);
    expect(qrWarnings(400, 29, '#999999', '#FFFFFF').map((w) => w.code)).toEqual(['qr.lowContrast']);
    expect(qrWarnings(400, 29, '#FFFFFF', '#000000').map((w) => w.code)).toEqual(['qr.inverted']);
    expect(qrWarnings(400, 29, '#111111', '#FFFFFF')).toEqual([]);
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21);
  });
});

describe('tracking', () => {
  it('builds and reads back the local tracking link', () => {
    const url = trackingLink('https://learn.example.com/p/', 'p1a2', '邀请 01');
    expect(url).toBe('https://learn.example.com/p/p1a2?inviter=%E9%82%80%E8%AF%B7%2001');
    expect(parseTrackingLink(url)).toEqual({ posterId: 'p1a2', inviteCode: '邀请 01' });
    expect(parseTrackingLink(trackingLink('', 'p1', undefined))).toEqual({ posterId: 'p1', inviteCode: null });
    expect(sceneOwnerId('p'.repeat(30), 'c'.repeat(30))).toHaveLength(40);
  });

  it('check-in templates carry no share prompt at all', () => {
    for (const t of posterTemplates().filter((x) => x.kind === 'checkin')) {
      const texts = t.document.elements.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('\n');
      expect(texts, t.id).not.toMatch(/分享|转发|朋友圈|邀请|集赞/);
    }
    expect(findTemplate('checkin-streak-1080x1920')?.document.elements.some((e) => e.type === 'image' && e.source.kind === 'avatar')).toBe(true);
  });
});
