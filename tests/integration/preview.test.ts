/**
 * WeChat previews through the host: cover crops saved with a course (migration 0004) and checked against the cover,
 * the workspace's preview settings, and the PNG export drawn from the shared layout.
 */
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import { DB_FILE_NAME } from '../../electron/studio/store/database';
import type { MethodInput } from '../../shared/contract/index';
import type { Course } from '../../shared/domain/course';
import { DEFAULT_PREVIEW_SETTINGS, GALLERY_GAP, SURFACE_IDS, layoutGallery, layoutPreview } from '../../shared/preview/index';
import { callError, callOk, openHost, steppingClock } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';
import path from 'node:path';

/** A 900 × 500 cover: blue on the left half, red on the right, so a crop can be seen in the exported pixels. */
function coverPng(width = 900, height = 500): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const left = x < width / 2;
      png.data[i] = left ? 20 : 230;
      png.data[i + 1] = 40;
      png.data[i + 2] = left ? 230 : 20;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

async function courseWithCover(host: StudioHost, size: [number, number] = [900, 500]): Promise<Course> {
  const media = await callOk(host, 'media.importImage', { fileName: 'cover.png', dataBase64: coverPng(...size).toString('base64') });
  const course = await callOk(host, 'courses.create', { title: '21 天写作训练营', summary: '每天一篇，三周养成写作习惯。' });
  return callOk(host, 'courses.save', saveInput(course, { coverHash: media.hash }));
}

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

const CROP_235 = { x1: 0, y1: 0, x2: 1, y2: 0.765957 }; // 900 × 383 at the top of a 900 × 500 cover
const CROP_11 = { x1: 0.444444, y1: 0, x2: 1, y2: 1 }; // 500 × 500 on the right

describe('cover crops saved with the course', () => {
  it('stores both crops and the key region in WeChat’s X1_Y1_X2_Y2 form and gives them back', async () => {
    const dir = tempDir();
    const host = openHost(dir, { now: steppingClock() });
    const course = await courseWithCover(host);
    expect(course.coverCrops).toEqual({ crop235: null, crop11: null, focus: null });
    const focus = { x1: 0.5, y1: 0.2, x2: 0.7, y2: 0.6 };
    const saved = await callOk(host, 'courses.save', saveInput(course, { coverCrops: { crop235: CROP_235, crop11: CROP_11, focus } }));
    expect(saved.coverCrops).toEqual({ crop235: CROP_235, crop11: CROP_11, focus });
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(saved);

    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(db.prepare('SELECT cover_crop_235_1, cover_crop_1_1, cover_focus FROM courses WHERE id = ?').get(course.id)).toEqual({
      cover_crop_235_1: '0_0_1_0.765957',
      cover_crop_1_1: '0.444444_0_1_1',
      cover_focus: '0.5_0.2_0.7_0.6',
    });
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4);
    db.close();
  });

  it('keeps the crops when a save omits them, and clears them when the cover changes', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithCover(host);
    const withCrops = await callOk(host, 'courses.save', saveInput(course, { coverCrops: { crop235: CROP_235, crop11: null, focus: null } }));
    const { coverCrops: _omit, ...withoutCrops } = saveInput(withCrops, { title: '改个标题' });
    const renamed = await callOk(host, 'courses.save', withoutCrops);
    expect(renamed.coverCrops.crop235).toEqual(CROP_235);

    const other = await callOk(host, 'media.importImage', { fileName: 'b.png', dataBase64: coverPng(800, 800).toString('base64') });
    const { coverCrops: _o, ...newCover } = saveInput(renamed, { coverHash: other.hash });
    expect((await callOk(host, 'courses.save', newCover)).coverCrops).toEqual({ crop235: null, crop11: null, focus: null });
  });

  it('refuses a crop outside the image, of the wrong shape, or without a cover, with a field code, and changes nothing', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithCover(host);
    const cases: [string, Partial<MethodInput<'courses.save'>>, string, string][] = [
      ['outside the image', { coverCrops: { crop235: { x1: 0.2, y1: 0, x2: 1.2, y2: 0.7 }, crop11: null, focus: null } }, 'coverCrops.crop235', 'crop.outOfBounds'],
      ['inverted', { coverCrops: { crop235: null, crop11: { x1: 0.6, y1: 0, x2: 0.4, y2: 1 }, focus: null } }, 'coverCrops.crop11', 'crop.inverted'],
      ['more than six decimals', { coverCrops: { crop235: null, crop11: null, focus: { x1: 0.1234567, y1: 0, x2: 0.5, y2: 0.5 } } }, 'coverCrops.focus', 'crop.precision'],
      ['not 2.35:1', { coverCrops: { crop235: { x1: 0, y1: 0, x2: 1, y2: 1 }, crop11: null, focus: null } }, 'coverCrops.crop235', 'crop.wrongRatio'],
      ['not 1:1', { coverCrops: { crop235: null, crop11: { x1: 0, y1: 0, x2: 1, y2: 1 }, focus: null } }, 'coverCrops.crop11', 'crop.wrongRatio'],
      ['without a cover', { coverHash: null, coverCrops: { crop235: null, crop11: null, focus: { x1: 0, y1: 0, x2: 0.5, y2: 0.5 } } }, 'coverCrops.focus', 'crop.noCover'],
    ];
    for (const [what, changes, pathName, code] of cases) {
      const error = await callError(host, 'courses.save', saveInput(course, changes));
      expect(error, what).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: pathName, code }] });
    }
    expect((await callOk(host, 'courses.get', { id: course.id })).version).toBe(course.version);
  });
});

describe('preview settings', () => {
  it('default to the current documentation and a placeholder account name, and are stored per workspace', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    expect(await callOk(host, 'preview.settings', {})).toEqual(DEFAULT_PREVIEW_SETTINGS);
    const next = await callOk(host, 'preview.updateSettings', {
      accountName: '  写作研究所 ',
      limitChoices: { ...DEFAULT_PREVIEW_SETTINGS.limitChoices, 'oa.titleLimit': 'oa.title.backend' },
    });
    expect(next).toMatchObject({ accountName: '写作研究所', limitChoices: { 'oa.titleLimit': 'oa.title.backend' } });
    await host.close();
    expect(await callOk(openHost(dir), 'preview.settings', {})).toEqual(next);
  });

  it('refuses an empty or long account name and an option that is not offered', async () => {
    const host = openHost(tempDir());
    expect(await callError(host, 'preview.updateSettings', { accountName: '  ' })).toMatchObject({ fields: [{ path: 'accountName', code: 'accountName.required' }] });
    expect(await callError(host, 'preview.updateSettings', { accountName: '名'.repeat(31) })).toMatchObject({ fields: [{ path: 'accountName', code: 'accountName.tooLong' }] });
    const bad = { ...DEFAULT_PREVIEW_SETTINGS.limitChoices, 'oa.digestLimit': 'oa.title.backend' };
    expect(await callError(host, 'preview.updateSettings', { limitChoices: bad })).toMatchObject({
      fields: [{ path: 'limitChoices.oa.digestLimit', code: 'limitChoice.invalid' }],
    });
  });

  it('tells the previews a cover’s pixel and file size', async () => {
    const host = openHost(tempDir());
    const media = await callOk(host, 'media.importImage', { fileName: 'c.png', dataBase64: coverPng().toString('base64') });
    expect(await callOk(host, 'preview.coverInfo', { hash: media.hash })).toMatchObject({ width: 900, height: 500, mime: 'image/png', size: media.size });
    expect(await callError(host, 'preview.coverInfo', { hash: 'f'.repeat(64) })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('PNG export', () => {
  function exportInput(course: Course, changes: Partial<MethodInput<'preview.exportPng'>> = {}): MethodInput<'preview.exportPng'> {
    return {
      course: {
        title: course.title,
        summary: course.summary,
        type: course.type,
        priceFen: course.priceFen,
        chapters: course.chapters,
        coverHash: course.coverHash,
        coverCrops: course.coverCrops,
      },
      surfaces: ['oaLead'],
      mode: 'surface',
      device: 'standard375',
      appearance: 'light',
      ...changes,
    };
  }

  it('draws one surface at its layout size times the scale, with the cover in the surface’s crop', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithCover(host);
    const crops = { crop235: CROP_235, crop11: CROP_11, focus: null };
    const result = await callOk(host, 'preview.exportPng', exportInput({ ...course, coverCrops: crops }, { surfaces: ['oaSecondary'], scale: 2 }));
    const expected = layoutPreview(
      { ...course, cover: { width: 900, height: 500, bytes: 0, mime: 'image/png' }, crops },
      { device: 'standard375', appearance: 'light', settings: DEFAULT_PREVIEW_SETTINGS },
      ['oaSecondary'],
    ).surfaces[0]!;
    const png = PNG.sync.read(Buffer.from(result.pngBase64, 'base64'));
    expect([png.width, png.height]).toEqual([750, expected.height * 2]);
    expect([result.width, result.height]).toEqual([png.width, png.height]);
    expect(result.fileName).toBe('21 天写作训练营-oaSecondary-standard375-light@2x.png');

    // The 1:1 thumbnail shows the right (red) part of the cover, as the creator's crop says: with WeChat's centred
    // default the left quarter of the thumbnail would be blue.
    const thumb = expected.nodes.find((n) => n.kind === 'image')!;
    const at = (x: number, y: number) => {
      const i = (Math.round(y * 2) * png.width + Math.round(x * 2)) * 4;
      return [png.data[i], png.data[i + 1], png.data[i + 2]];
    };
    if (thumb.kind !== 'image') throw new Error('no image');
    expect(at(thumb.x + thumb.w * 0.25, thumb.y + thumb.h / 2)).toEqual([230, 40, 20]);
    // The page background is WeUI's BG-0.
    expect(at(2, 2)).toEqual([0xed, 0xed, 0xed]);
  });

  it('draws the gallery of every surface under captions, at the size the shared gallery layout gives', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithCover(host);
    const texts = { heading: '21 天写作训练营 · 微信预览', subheading: '标准 375pt · 深色', captions: { oaLead: '公众号图文 · 头条' } };
    const result = await callOk(
      host,
      'preview.exportPng',
      exportInput(course, { surfaces: [...SURFACE_IDS], mode: 'gallery', appearance: 'dark', scale: 1, texts }),
    );
    const preview = layoutPreview(
      { ...course, cover: { width: 900, height: 500, bytes: 0, mime: 'image/png' }, crops: course.coverCrops },
      { device: 'standard375', appearance: 'dark', settings: DEFAULT_PREVIEW_SETTINGS },
    );
    const gallery = layoutGallery(preview.surfaces, texts, 'dark');
    const png = PNG.sync.read(Buffer.from(result.pngBase64, 'base64'));
    expect([png.width, png.height]).toEqual([gallery.width, gallery.height]);
    expect(gallery.width).toBe(3 * 375 + 4 * GALLERY_GAP);
    expect(png.data.subarray(0, 3)).toEqual(Buffer.from([0, 0, 0])); // dark page
  });

  it('draws a course without a cover, and refuses a mismatched single-surface request', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await callOk(host, 'courses.create', { title: '没有封面的课' });
    const result = await callOk(host, 'preview.exportPng', exportInput(course, { surfaces: ['miniProgram'], scale: 3, device: 'android360' }));
    expect(result.width).toBe(360 * 3);
    expect(await callError(host, 'preview.exportPng', exportInput(course, { surfaces: ['oaLead', 'h5Chat'] }))).toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ path: 'surfaces', code: 'surfaces.single' }],
    });
    expect(await callError(host, 'preview.exportPng', exportInput(course, { surfaces: [] }))).toMatchObject({ fields: [{ path: 'surfaces', code: 'surfaces.required' }] });
    expect(await callError(host, 'preview.exportPng', exportInput(course, { surfaces: ['oaLead', 'oaLead'], mode: 'gallery' }))).toMatchObject({
      fields: [{ path: 'surfaces', code: 'surfaces.duplicate' }],
    });
  });
});
