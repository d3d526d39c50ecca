/**
 * Share posters through the host: saved documents (migration 0010) with version conflicts, the PNG/JPEG export drawn
 * with @napi-rs/canvas (QR decoded back with jsQR, pixels compared with committed references), the compliance stop
 * before export, and batch personalization from CSV in worker threads with progress, cancel and safe file names.
 */
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import type { BatchProgress } from '../../shared/poster/contract';
import { parseTrackingLink, posterTemplates, trackingLink, type PosterDocument } from '../../shared/poster/index';
import { callError, callOk, openHost, steppingClock } from '../helpers/host';
import { listFiles, tempDir } from '../helpers/temp-dir';

const REFERENCE_DIR = path.resolve(import.meta.dirname, '../fixtures/posters');
const LINK_BASE = 'https://learn.example.com/p';

async function newPoster(host: StudioHost, templateId: string) {
  await callOk(host, 'posters.updateBrand', { linkBase: LINK_BASE });
  return callOk(host, 'posters.create', { name: '写作营海报', templateId });
}

function decodePng(base64: string): PNG {
  return PNG.sync.read(Buffer.from(base64, 'base64'));
}

/** jsQR on the region of a QR element (with a margin), the way a phone camera would see it. */
function readQr(png: { width: number; height: number; data: Uint8Array | Buffer }, box: { x: number; y: number; width: number }): string | null {
  const margin = 20;
  const x0 = Math.max(0, box.x - margin);
  const y0 = Math.max(0, box.y - margin);
  const side = Math.min(box.width + 2 * margin, png.width - x0, png.height - y0);
  const region = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    const from = ((y0 + y) * png.width + x0) * 4;
    region.set(png.data.subarray(from, from + side * 4), y * side * 4);
  }
  return jsQR(region, side, side)?.data ?? null;
}

function qrBox(doc: PosterDocument) {
  const el = doc.elements.find((e) => e.type === 'qr');
  if (!el) throw new Error('no QR element');
  return el;
}

/** Box-filter downscale by `f` (references are stored small; comparison tolerates anti-aliasing differences). */
function downscale(png: { width: number; height: number; data: Uint8Array | Buffer }, f: number): PNG {
  const out = new PNG({ width: Math.floor(png.width / f), height: Math.floor(png.height / f) });
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += png.data[((y * f + dy) * png.width + x * f + dx) * 4 + c]!;
        out.data[(y * out.width + x) * 4 + c] = Math.round(sum / (f * f));
      }
    }
  }
  return out;
}

/** Mean absolute channel difference (0–255) and the share of pixels differing by more than 48 in some channel. */
function compare(a: PNG, b: PNG): { mean: number; differing: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let total = 0;
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c]! - b.data[i + c]!);
      total += d;
      worst = Math.max(worst, d);
    }
    if (worst > 48) differing++;
  }
  return { mean: total / ((a.data.length / 4) * 3), differing: differing / (a.data.length / 4) };
}

function waitForBatch(host: StudioHost, jobId: string): Promise<BatchProgress> {
  return new Promise((resolve) => {
    const off = host.on((e) => {
      if (e.event !== 'posters.batchProgressed') return;
      const progress = e.payload as BatchProgress;
      if (progress.jobId === jobId && progress.state !== 'running') {
        off();
        resolve(progress);
      }
    });
  });
}

describe('saved posters', () => {
  it('creates from a template, saves with the version check, lists and deletes', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const poster = await callOk(host, 'posters.create', { name: '打卡海报', templateId: 'checkin-streak-1080x1440' });
    expect(poster.document.height).toBe(1440);
    expect(poster.version).toBe(1);
    const doc = { ...poster.document, background: '#FFFFFF' };
    const saved = await callOk(host, 'posters.save', { id: poster.id, baseVersion: 1, name: '打卡海报 2', document: doc });
    expect(saved.version).toBe(2);
    expect((await callOk(host, 'posters.get', { id: poster.id })).document.background).toBe('#FFFFFF');
    const stale = await callError(host, 'posters.save', { id: poster.id, baseVersion: 1, name: 'x', document: doc });
    expect(stale.code).toBe('CONFLICT');
    expect(stale.details?.version).toBe(2);
    const list = await callOk(host, 'posters.list', {});
    expect(list.items.map((p) => [p.name, p.kind, p.width, p.height])).toEqual([['打卡海报 2', 'checkin', 1080, 1440]]);
    await callOk(host, 'posters.delete', { id: poster.id });
    expect((await callError(host, 'posters.get', { id: poster.id })).code).toBe('NOT_FOUND');
    expect((await callError(host, 'posters.export', { id: poster.id, document: doc })).code).toBe('NOT_FOUND');
  });

  it('refuses an unknown template and a document with an invalid colour, saving nothing', async () => {
    const host = openHost(tempDir());
    const unknown = await callError(host, 'posters.create', { name: 'x', templateId: 'nope' });
    expect(unknown.fields).toEqual([{ path: 'templateId', code: 'template.unknown' }]);
    const poster = await callOk(host, 'posters.create', { name: 'x', templateId: null });
    const bad = await callError(host, 'posters.save', { id: poster.id, baseVersion: 1, name: 'x', document: { ...poster.document, background: 'red' } });
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.fields?.[0]).toEqual({ path: 'document.background', code: 'color.invalid' });
    expect((await callOk(host, 'posters.get', { id: poster.id })).version).toBe(1);
  });

  it('offers three designs of each kind in both sizes, and the brand kit colours reach the pixels', async () => {
    const host = openHost(tempDir());
    const { items } = await callOk(host, 'posters.templates', {});
    for (const kind of ['course', 'checkin', 'invite'] as const) {
      for (const height of [1920, 1440]) expect(items.filter((t) => t.kind === kind && t.document.height === height)).toHaveLength(3);
    }
    await callOk(host, 'posters.updateBrand', { colors: { primary: '#00AA00' }, headingWeight: 'regular' });
    const poster = await newPoster(host, 'course-bold-1080x1920');
    // The brand kit's heading weight replaces the template's bold headings.
    expect(poster.document.elements.filter((e) => e.type === 'text').every((e) => e.type === 'text' && e.fontWeight === 'regular')).toBe(true);
    const out = await callOk(host, 'posters.export', { id: poster.id, document: poster.document });
    const png = decodePng(out.dataBase64);
    // The hero block starts in the brand's primary colour at its top edge (a gradient to the accent below).
    const i = (5 * png.width + 540) * 4;
    const pixel = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    [0, 170, 0].forEach((v, c) => expect(Math.abs(pixel[c]! - v)).toBeLessThanOrEqual(3));
  });
});

describe('export', () => {
  it('writes a PNG of the exact size whose QR decodes to the poster’s tracking link', async () => {
    const host = openHost(tempDir());
    const poster = await newPoster(host, 'invite-warm-1080x1920');
    const out = await callOk(host, 'posters.export', { id: poster.id, document: poster.document, fileTitle: '邀请/海报' });
    expect(out.fileName).toBe('邀请 海报-1080x1920.png');
    expect([out.width, out.height, out.mime]).toEqual([1080, 1920, 'image/png']);
    const png = decodePng(out.dataBase64);
    expect([png.width, png.height]).toEqual([1080, 1920]);
    const payload = readQr(png, qrBox(poster.document));
    expect(payload).toBe(trackingLink(LINK_BASE, poster.id, 'XM2026'));
    expect(parseTrackingLink(payload!)).toEqual({ posterId: poster.id, inviteCode: 'XM2026' });
    expect(out.qr[0]).toMatchObject({ source: 'link', warnings: [] });
  });

  it('writes a JPEG of the exact size that still scans', async () => {
    const host = openHost(tempDir());
    const poster = await newPoster(host, 'course-card-1080x1440');
    const out = await callOk(host, 'posters.export', { id: poster.id, document: poster.document, format: 'jpeg', quality: 85 });
    expect(out.mime).toBe('image/jpeg');
    expect(out.fileName.endsWith('.jpg')).toBe(true);
    const image = await loadImage(Buffer.from(out.dataBase64, 'base64'));
    expect([image.width, image.height]).toEqual([1080, 1440]);
    const canvas = createCanvas(image.width, image.height);
    canvas.getContext('2d').drawImage(image, 0, 0);
    const data = canvas.getContext('2d').getImageData(0, 0, image.width, image.height);
    expect(readQr({ width: image.width, height: image.height, data: data.data as unknown as Uint8Array }, qrBox(poster.document))).toBe(
      trackingLink(LINK_BASE, poster.id, 'XM2026'),
    );
  });

  it('warns when the QR is too small or too faint, and about the placeholder link', async () => {
    const host = openHost(tempDir());
    const poster = await callOk(host, 'posters.create', { name: 'x', templateId: 'invite-warm-1080x1920' });
    const doc = poster.document;
    const small = {
      ...doc,
      elements: doc.elements.map((e) => (e.type === 'qr' ? { ...e, width: 90, height: 90, foreground: '#AAAAAA', background: '#FFFFFF' } : e)),
    };
    const check = await callOk(host, 'posters.check', { id: poster.id, document: small });
    expect(check.qr[0]!.warnings.map((w) => w.code).sort()).toEqual(['qr.lowContrast', 'qr.placeholderLink', 'qr.tooSmall']);
    expect(check.qr[0]!.modulePx).toBeLessThan(4);
  });

  for (const templateId of ['course-bold-1080x1920', 'checkin-streak-1080x1440', 'invite-ticket-1080x1920']) {
    it(`matches the reference image of ${templateId}`, async () => {
      const host = openHost(tempDir());
      const poster = await newPoster(host, templateId);
      // The poster id is random; a fixed QR content keeps the reference comparable.
      const doc = { ...poster.document, elements: poster.document.elements.map((e) => (e.type === 'qr' ? { ...e, content: { kind: 'text' as const, text: 'https://learn.example.com/p/reference' } } : e)) };
      const out = await callOk(host, 'posters.export', { id: poster.id, document: doc });
      const small = downscale(decodePng(out.dataBase64), 4);
      const file = path.join(REFERENCE_DIR, `${templateId}.png`);
      if (process.env.UPDATE_POSTER_REFERENCES === '1') fs.writeFileSync(file, PNG.sync.write(small));
      const reference = PNG.sync.read(fs.readFileSync(file));
      const { mean, differing } = compare(small, reference);
      expect(mean).toBeLessThan(1.5);
      expect(differing).toBeLessThan(0.005);
    });
  }
});

describe('compliance before export', () => {
  it('stops a reward-for-sharing poster as 诱导分享 until the creator acknowledges it', async () => {
    const host = openHost(tempDir());
    const poster = await newPoster(host, 'course-bold-1080x1920');
    const doc = {
      ...poster.document,
      elements: poster.document.elements.map((e) => (e.id === 'points' && e.type === 'text' ? { ...e, text: '分享到朋友圈集赞10个，即可免费领取课程' } : e)),
    };
    const check = await callOk(host, 'posters.check', { id: poster.id, document: doc });
    expect(check.findings.map((f) => [f.elementId, f.category, f.severity])).toEqual([['points', 'induce_share', 'must_fix']]);
    const refused = await callError(host, 'posters.export', { id: poster.id, document: doc });
    expect(refused.code).toBe('COMPLIANCE_BLOCKED');
    expect(refused.fields).toEqual([{ path: 'elements.points', code: 'compliance.induce_share' }]);
    const out = await callOk(host, 'posters.export', { id: poster.id, document: doc, acknowledgeMustFix: true });
    expect(out.width).toBe(1080);
  });

  it('finds nothing in any check-in template, not even a hint', () => {
    return (async () => {
      const host = openHost(tempDir());
      for (const t of posterTemplates().filter((t) => t.kind === 'checkin')) {
        const check = await callOk(host, 'posters.check', { id: 'p1', document: t.document });
        expect(check.findings, t.id).toEqual([]);
      }
    })();
  });
});

describe('batch personalization', () => {
  const CSV = '\uFEFF昵称,邀请码,打卡天数,备注\r\n小明,XM01,3,"第一行,含逗号"\r\n"小红",XH02,7,"多行\n备注"\r\n小明,XM03,9,\r\n,,,\r\n王 五/六,W05,1,x\r\n';

  it('writes one poster per person with their own QR, never overwriting a file already there', async () => {
    const dataDir = tempDir();
    const out = path.join(tempDir(), '海报输出');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, '小明-XM01.png'), 'keep me');
    const host = openHost(dataDir);
    const poster = await newPoster(host, 'invite-warm-1080x1440');
    const events: BatchProgress[] = [];
    host.on((e) => e.event === 'posters.batchProgressed' && events.push(e.payload as BatchProgress));
    const started = await callOk(host, 'posters.batchStart', {
      id: poster.id,
      document: poster.document,
      source: { kind: 'csv', text: CSV },
      outputDir: out,
      fileNamePattern: '{{nickname}}-{{inviteCode}}',
    });
    expect(started.total).toBe(4);
    const final = await waitForBatch(host, started.jobId);
    expect(final).toMatchObject({ state: 'done', total: 4, done: 4, failed: 0 });
    expect(events.at(-1)!.done).toBe(4);
    expect(listFiles(out)).toEqual(['小明-XM01 (2).png', '小明-XM01.png', '小明-XM03.png', '小红-XH02.png', '王 五_六-W05.png'].sort());
    expect(fs.readFileSync(path.join(out, '小明-XM01.png'), 'utf8')).toBe('keep me');
    const png = PNG.sync.read(fs.readFileSync(path.join(out, '小红-XH02.png')));
    expect([png.width, png.height]).toEqual([1080, 1440]);
    expect(readQr(png, qrBox(poster.document))).toBe(trackingLink(LINK_BASE, poster.id, 'XH02'));
  });

  it('names the line of a broken CSV and writes nothing', async () => {
    const host = openHost(tempDir());
    const out = path.join(tempDir(), 'out');
    const poster = await newPoster(host, 'invite-warm-1080x1440');
    const error = await callError(host, 'posters.batchStart', {
      id: poster.id,
      document: poster.document,
      source: { kind: 'csv', text: '昵称,邀请码\n小明,1\n小红,2,多余\n' },
      outputDir: out,
    });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fields).toEqual([{ path: 'source.text', code: 'csv.columnCount' }]);
    expect(error.details?.line).toBe(3);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses the whole batch when one person’s text is blocked, naming the line', async () => {
    const host = openHost(tempDir());
    const out = path.join(tempDir(), 'out');
    const poster = await newPoster(host, 'invite-warm-1080x1440');
    const error = await callError(host, 'posters.batchStart', {
      id: poster.id,
      document: poster.document,
      source: { kind: 'csv', text: '昵称,邀请码\n小明,1\n转发朋友圈送现金红包,2\n' },
      outputDir: out,
    });
    expect(error.code).toBe('COMPLIANCE_BLOCKED');
    expect(error.details?.line).toBe(3);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('cancels: stops early, reports it, and leaves no partial files', async () => {
    const host = openHost(tempDir());
    const out = path.join(tempDir(), 'out');
    const poster = await newPoster(host, 'course-dark-1080x1920');
    const rows = Array.from({ length: 300 }, (_, i) => `学员${i},C${i}`).join('\n');
    const started = await callOk(host, 'posters.batchStart', {
      id: poster.id,
      document: poster.document,
      source: { kind: 'csv', text: `昵称,邀请码\n${rows}\n` },
      outputDir: out,
    });
    const final = await callOk(host, 'posters.batchCancel', { jobId: started.jobId });
    expect(final.state).toBe('cancelled');
    expect(final.done).toBeLessThan(300);
    const files = listFiles(out);
    expect(files.every((f) => f.endsWith('.png'))).toBe(true);
    expect(files).toHaveLength(final.done);
  });
});
