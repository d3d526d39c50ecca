import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREVIEW_SETTINGS,
  DEVICES,
  SURFACE_IDS,
  layoutGallery,
  layoutPreview,
  layoutSurface,
  surfaceCrop,
  warningsForSurface,
  type DisplayNode,
  type PreviewCourse,
  type PreviewEnv,
  type SurfaceLayout,
} from '../../../shared/preview/index';

const course = (changes: Partial<PreviewCourse> = {}): PreviewCourse => ({
  title: '21 天写作训练营',
  summary: '每天一篇，三周养成写作习惯。',
  type: 'camp',
  priceFen: 19990,
  chapters: [{ title: '第一周：开始写', lessons: [{ title: '找到你的主题' }, { title: '每天三百字' }] }],
  cover: { width: 900, height: 500, bytes: 80_000, mime: 'image/png' },
  crops: { crop235: null, crop11: null, focus: null },
  ...changes,
});
const env = (changes: Partial<PreviewEnv> = {}): PreviewEnv => ({ device: 'standard375', appearance: 'light', settings: DEFAULT_PREVIEW_SETTINGS, ...changes });

const texts = (s: SurfaceLayout, role?: string) =>
  s.nodes.filter((n): n is Extract<DisplayNode, { kind: 'text' }> => n.kind === 'text' && (role === undefined || n.role === role)).map((n) => n.text);
const surface = (id: (typeof SURFACE_IDS)[number], c = course(), e = env()) => layoutSurface(id, c, e);
const codes = (s: SurfaceLayout) => s.warnings.map((w) => w.code);

describe('every surface', () => {
  it('is laid out at the device width, in both appearances, inside its own box', () => {
    for (const device of ['standard375', 'iphone15', 'android360', 'android412'] as const) {
      for (const appearance of ['light', 'dark'] as const) {
        const preview = layoutPreview(course(), env({ device, appearance }));
        expect(preview.surfaces.map((s) => s.id)).toEqual([...SURFACE_IDS]);
        for (const s of preview.surfaces) {
          expect(s.width).toBe(DEVICES[device].width);
          for (const n of s.nodes) {
            expect(n.x, `${s.id} ${JSON.stringify(n)}`).toBeGreaterThanOrEqual(0);
            expect(n.y).toBeGreaterThanOrEqual(0);
            const right = n.kind === 'icon' ? n.x + n.size : n.x + n.w;
            expect(right, `${s.id} ${JSON.stringify(n)}`).toBeLessThanOrEqual(s.width + 1e-6);
          }
        }
      }
    }
  });

  it('uses WeUI colours: BG-0 #EDEDED / #111111 behind chats', () => {
    expect(surface('oaLead', course(), env({ appearance: 'light' })).background).toBe('#EDEDED');
    expect(surface('oaLead', course(), env({ appearance: 'dark' })).background).toBe('#111111');
  });

  it('shows a short title whole everywhere, with no warning about it', () => {
    const preview = layoutPreview(course(), env());
    for (const s of preview.surfaces) {
      // The mass-send notice shows it twice: in the notification and in the chat list.
      const expected = s.id === 'massSendNotice' ? ['21 天写作训练营', '21 天写作训练营'] : ['21 天写作训练营'];
      expect(texts(s, 'title'), s.id).toEqual(expected);
    }
    expect(preview.warnings.filter((w) => w.code.startsWith('title.'))).toEqual([]);
  });
});

describe('titles are cut where each surface cuts them', () => {
  const long = course({ title: '21 天写作训练营：从零开始写出爆款文章，资深编辑带你拆解 100 篇公众号文章的选题与结构' });

  it('two lines on the mini-program card [W19], with the ellipsis at the end of the second', () => {
    const s = surface('miniProgram', long);
    const lines = texts(s, 'title');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(codes(s)).toContain('title.cut');
  });

  it('one line in the chat list of a mass send', () => {
    const s = surface('massSendNotice', long);
    const row = texts(s, 'title').at(-1)!;
    expect(row.endsWith('…')).toBe(true);
    expect(long.title.startsWith(row.slice(0, -1))).toBe(true);
  });

  it('at 64 bytes on the WeCom card [W8]: 21 Chinese characters at most', () => {
    const s = surface('weComLink', course({ title: '二十二个汉字的企业微信链接卡片标题会被截断了' }));
    expect(texts(s, 'title').join('')).toBe('二十二个汉字的企业微信链接卡片标题会被截断');
    expect(s.warnings.find((w) => w.code === 'title.bytesCut')?.params).toMatchObject({ limit: 64, length: 66 });
  });

  it('at 20 characters in a template message, runs of letters and digits counting once [T4]', () => {
    const s = surface('templateMessage', course({ title: '第100期AI写作训练营，从零开始写出爆款文章和标题' }));
    expect(texts(s, 'title').join('')).toBe('第100期AI写作训练营，从零开始写出爆款文章…');
    expect(codes(s)).toContain('title.templateCut');
    expect(codes(surface('templateMessage', course({ title: '第100期AI写作训练营，从零开始写出爆款文章' })))).not.toContain('title.templateCut');
  });

  it('is refused by the draft API above 32 characters, by default (and the limit is a setting)', () => {
    const title = '一'.repeat(33);
    const preview = layoutPreview(course({ title }), env());
    expect(preview.warnings.find((w) => w.code === 'title.overLimit')).toMatchObject({ severity: 'error', params: { limit: 32, length: 33 } });
    const backend = { ...DEFAULT_PREVIEW_SETTINGS, limitChoices: { ...DEFAULT_PREVIEW_SETTINGS.limitChoices, 'oa.titleLimit': 'oa.title.backend' } };
    expect(layoutPreview(course({ title }), env({ settings: backend })).warnings.map((w) => w.code)).not.toContain('title.overLimit');
    const bytes = { ...DEFAULT_PREVIEW_SETTINGS, limitChoices: { ...DEFAULT_PREVIEW_SETTINGS.limitChoices, 'oa.titleLimit': 'oa.title.massSendBytes' } };
    expect(layoutPreview(course({ title: '一'.repeat(22) }), env({ settings: bytes })).warnings.find((w) => w.code === 'title.overLimit')?.params).toMatchObject({
      limit: 64,
      unit: 'bytes',
      length: 66,
    });
  });

  it('fits more on a wider phone', () => {
    const t = course({ title: '一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一' });
    const narrow = texts(surface('massSendNotice', t, env({ device: 'android360' })), 'title').at(-1)!;
    const wide = texts(surface('massSendNotice', t, env({ device: 'android412' })), 'title').at(-1)!;
    expect([...wide].length).toBeGreaterThan([...narrow].length);
  });

  it('shows four lines in an iOS notification and one in a collapsed Android one', () => {
    const t = course({ title: '一二三四五六七八九十'.repeat(8) });
    expect(texts(surface('massSendNotice', t, env({ device: 'standard375' })), 'title').length - 1).toBe(4);
    expect(texts(surface('massSendNotice', t, env({ device: 'android360' })), 'title').length - 1).toBe(1);
  });
});

describe('the digest', () => {
  it('shows on the single-article card, the chat link and WeCom, never in Moments (title only [W16])', () => {
    for (const id of ['oaSingle', 'h5Chat', 'weComLink'] as const) expect(texts(surface(id), 'digest').join(''), id).toBe('每天一篇，三周养成写作习惯。');
    for (const id of ['oaLead', 'oaSecondary', 'h5Moments', 'miniProgram'] as const) expect(texts(surface(id), 'digest'), id).toEqual([]);
    expect(codes(surface('h5Moments'))).toContain('moments.titleOnly');
  });

  it('comes from the first 54 characters of the body when the summary is empty, and says so', () => {
    const preview = layoutPreview(course({ summary: '' }), env());
    expect(preview.digest).toEqual({ text: '第一周：开始写 找到你的主题 每天三百字', fromBody: true });
    expect(preview.warnings.find((w) => w.code === 'digest.empty')).toMatchObject({ params: { chars: 54, fallback: '第一周：开始写 找到你的主题 每天三百字' } });
    expect(texts(preview.surfaces.find((s) => s.id === 'oaSingle')!, 'digest').join('')).toBe('第一周：开始写 找到你的主题 每天三百字');
  });

  it('warns when the summary is longer than the digest limit', () => {
    const preview = layoutPreview(course({ summary: '长'.repeat(150) }), env());
    expect(preview.warnings.find((w) => w.code === 'digest.overLimit')?.params).toMatchObject({ limit: 128, length: 150 });
    expect(preview.counters.find((c) => c.field === 'summary' && c.limitId === 'oa.digest.draftApi')).toMatchObject({ used: 150, max: 128, over: true });
  });
});

describe('covers and crops', () => {
  it('uses the creator’s 2.35:1 and 1:1 boxes, or WeChat’s centred default', () => {
    const crop235 = { x1: 0, y1: 0, x2: 1, y2: 0.765957 };
    const c = course({ crops: { crop235, crop11: null, focus: null } });
    expect(surfaceCrop(c, 'oaLead')).toEqual(crop235);
    expect(surfaceCrop(c, 'feedStarred')).toEqual(crop235);
    expect(surfaceCrop(c, 'oaSecondary')).toEqual({ x1: 0.222222, y1: 0, x2: 0.777778, y2: 1 });
    expect(surfaceCrop(c, 'miniProgram')).toEqual({ x1: 0, y1: 0, x2: 0.694444, y2: 1 });
    expect(surfaceCrop(c, 'templateMessage')).toBeNull();
    const image = surface('oaLead', c).nodes.find((n) => n.kind === 'image');
    expect(image).toMatchObject({ src: 'cover', crop: crop235 });
  });

  it('warns when the key region falls outside a surface’s crop', () => {
    const focus = { x1: 0.02, y1: 0.3, x2: 0.15, y2: 0.6 }; // at the left edge: outside the centred 1:1 crop
    const preview = layoutPreview(course({ crops: { crop235: null, crop11: null, focus } }), env());
    const outside = preview.warnings.filter((w) => w.code === 'focus.outside').map((w) => w.surface);
    expect(outside).toEqual(expect.arrayContaining(['oaSecondary', 'feedRegular', 'h5Chat', 'h5Moments', 'weComLink']));
    expect(outside).not.toContain('oaLead');
    expect(outside).not.toContain('miniProgram');
  });

  it('warns about a missing cover, a small crop, a large file, a GIF and a non-5:4 mini-program image', () => {
    expect(layoutPreview(course({ cover: null }), env()).warnings.map((w) => w.code)).toContain('cover.missing');
    const small = layoutPreview(course({ cover: { width: 600, height: 400, bytes: 6_000_000, mime: 'image/gif' } }), env());
    const found = small.warnings.map((w) => w.code);
    expect(found).toEqual(expect.arrayContaining(['cover.tooSmall', 'cover.tooLarge', 'cover.gif', 'cover.notFiveFour']));
    expect(small.warnings.find((w) => w.code === 'cover.tooSmall' && w.params.crop === 'crop235')?.params).toMatchObject({ width: 600, height: 255 });
    expect(layoutPreview(course({ cover: { width: 1000, height: 800, bytes: 1, mime: 'image/png' } }), env()).warnings.map((w) => w.code)).not.toContain(
      'cover.notFiveFour',
    );
  });
});

describe('counters and the detail view', () => {
  it('counts the title in characters, bytes, template characters and lines', () => {
    const c = layoutPreview(course({ title: 'AI写作课' }), env()).counters.filter((x) => x.field === 'title');
    expect(c.map((x) => [x.limitId, x.unit, x.used, x.max])).toEqual([
      ['oa.title.draftApi', 'chars', 5, 32],
      ['wecom.link.titleBytes', 'bytes', 11, 64],
      ['template.valueChars', 'templateChars', 4, 20],
      ['mp.title.lines', 'lines', 1, 2],
    ]);
  });

  it('gives a surface the course-level warnings that concern it', () => {
    const preview = layoutPreview(course({ summary: '', cover: null }), env());
    expect(warningsForSurface(preview, 'oaSingle').map((w) => w.code)).toEqual(expect.arrayContaining(['cover.missing', 'digest.empty']));
    expect(warningsForSurface(preview, 'templateMessage').map((w) => w.code)).not.toContain('cover.missing');
    expect(warningsForSurface(preview, 'h5Moments').map((w) => w.code)).not.toContain('digest.empty');
  });
});

describe('the gallery picture', () => {
  it('is as wide as its columns and as tall as its rows', () => {
    const preview = layoutPreview(course(), env());
    const gallery = layoutGallery(preview.surfaces, { heading: '标题', subheading: '375', captions: {} }, 'light', 3);
    expect(gallery.width).toBe(3 * 375 + 4 * 24);
    expect(gallery.cells).toHaveLength(SURFACE_IDS.length);
    const bottom = Math.max(...gallery.cells.map((c) => c.surfaceY + preview.surfaces.find((s) => s.id === c.id)!.height));
    expect(gallery.height).toBe(bottom + 24);
  });
});
