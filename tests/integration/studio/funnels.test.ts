/**
 * Funnels through the host on a real SQLite file: create from a template, save against a base version, refuse stale
 * or inconsistent saves without writing, keep plans across reopening, refuse to read a document from a newer app, the
 * CONFLICT settings, and the CSV and PNG exports (decoded and looked at).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../../electron/studio/store/database';
import { NODE_KIND_COLORS } from '../../../shared/funnel/index';
import { callError, callOk, openHost, steppingClock } from '../../helpers/host';
import { tempDir } from '../../helpers/temp-dir';

function rgbOf(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

describe('funnels in the workspace', () => {
  it('creates from a template, saves with version checks, and keeps everything across reopening', async () => {
    const dir = tempDir();
    const host = openHost(dir, { now: steppingClock() });
    const created = await callOk(host, 'funnels.create', { name: '六月直播', templateId: 'classic-live', startDay: '2026-06-01' });
    expect(created.version).toBe(1);
    expect(created.document.name).toBe('六月直播');
    expect(created.document.nodes.map((n) => n.kind)).toEqual(['serviceMassSend', 'liveRoom', 'wecomOneToOne', 'momentsAd', 'purchase', 'refund']);
    expect(created.document.nodes[0]!.at).toBe('2026-06-01T20:00');

    const doc = structuredClone(created.document);
    doc.nodes[0]!.label = '服务号预告（改）';
    const saved = await callOk(host, 'funnels.save', { id: created.id, baseVersion: 1, document: doc });
    expect(saved.version).toBe(2);

    // A stale base version: CONFLICT, nothing written.
    const stale = await callError(host, 'funnels.save', { id: created.id, baseVersion: 1, document: { ...doc, name: '另一个' } });
    expect(stale).toMatchObject({ code: 'CONFLICT', details: { currentVersion: 2 } });
    // An edge to a node that does not exist: INVALID_INPUT with the field, nothing written.
    const broken = { ...doc, edges: [...doc.edges, { id: 'ex', source: 'preview', target: 'ghost', low: 0, expected: 0, high: 0 }] };
    const invalid = await callError(host, 'funnels.save', { id: created.id, baseVersion: 2, document: broken });
    expect(invalid.code).toBe('INVALID_INPUT');
    expect(invalid.fields).toContainEqual({ path: 'document.edges.7.target', code: 'funnel.unknownNode' });
    // A rate above 100 %: refused by the schema.
    const rate = structuredClone(doc);
    rate.edges[0]!.high = 1.5;
    expect((await callError(host, 'funnels.save', { id: created.id, baseVersion: 2, document: rate })).fields).toContainEqual({
      path: 'document.edges.0.high',
      code: 'funnel.rateRange',
    });
    expect((await callOk(host, 'funnels.get', { id: created.id })).version).toBe(2);

    // Days and times that do not exist are refused with their field, nothing created.
    expect((await callError(host, 'funnels.create', { name: 'x', templateId: 'classic-live', startDay: '2026-02-30' })).fields).toEqual([
      { path: 'startDay', code: 'funnel.dayInvalid' },
    ]);
    const badTime = structuredClone(doc);
    badTime.nodes[0]!.at = '2026-06-31T20:00';
    expect((await callError(host, 'funnels.save', { id: created.id, baseVersion: 2, document: badTime })).fields).toEqual([
      { path: 'document.nodes.0.at', code: 'funnel.timeInvalid' },
    ]);

    const empty = await callOk(host, 'funnels.create', { name: '空白计划' });
    expect(empty.document.nodes).toEqual([]);
    expect((await callOk(host, 'funnels.list', {})).items.map((i) => i.name).sort()).toEqual(['六月直播', '空白计划']);
    await callOk(host, 'funnels.delete', { id: empty.id });
    expect((await callError(host, 'funnels.get', { id: empty.id })).code).toBe('NOT_FOUND');

    expect(await callOk(host, 'funnels.settings', {})).toEqual({ wecomGroupSendCap: 'daysInMonth', momentsAdCopyLimit: '30' });
    await callOk(host, 'funnels.updateSettings', { wecomGroupSendCap: 'onePerDay' });
    await host.close();

    const again = openHost(dir);
    const list = await callOk(again, 'funnels.list', {});
    expect(list.items).toEqual([expect.objectContaining({ id: created.id, name: '六月直播', nodeCount: 6, startsAt: '2026-06-01T20:00', version: 2 })]);
    expect((await callOk(again, 'funnels.get', { id: created.id })).document.nodes[0]!.label).toBe('服务号预告（改）');
    expect(await callOk(again, 'funnels.settings', {})).toEqual({ wecomGroupSendCap: 'onePerDay', momentsAdCopyLimit: '30' });
  });

  it('refuses a plan written by a newer app and leaves its row untouched', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const f = await callOk(host, 'funnels.create', { name: '未来', templateId: 'poster-wecom', startDay: '2026-06-01' });
    const db = new Database(path.join(dir, DB_FILE_NAME));
    const future = JSON.stringify({ ...f.document, schemaVersion: 99, somethingNew: true });
    db.prepare('UPDATE funnels SET document = ?, schema_version = 99 WHERE id = ?').run(future, f.id);
    const error = await callError(host, 'funnels.get', { id: f.id });
    expect(error).toMatchObject({ code: 'CONFLICT', fields: [{ path: 'document', code: 'funnel.tooNew' }] });
    expect((await callOk(host, 'funnels.list', {})).items).toEqual([]);
    expect(db.prepare<[string], { document: string }>('SELECT document FROM funnels WHERE id = ?').get(f.id)!.document).toBe(future);
    db.close();
  });

  it('exports the steps as CSV and the canvas as a PNG drawn in the host', async () => {
    const host = openHost(tempDir());
    const f = await callOk(host, 'funnels.create', { name: '导出', templateId: 'classic-live', startDay: '2026-06-01' });
    // A step whose message induces sharing: the export carries the compliance finding beside the rule findings.
    const doc = structuredClone(f.document);
    doc.nodes.find((n) => n.id === 'follow')!.text = '转发到朋友圈集满 30 个赞即可免费领取课程';
    await callOk(host, 'funnels.save', { id: f.id, baseVersion: 1, document: doc });
    const csv = await callOk(host, 'funnels.exportCsv', { id: f.id });
    const followRow = csv.csv.split('\r\n').find((row) => row.includes(',follow,'))!;
    expect(followRow).toContain('[plan.compliance] 合规扫描');
    expect(csv.csv.split('\r\n').find((row) => row.includes(',preview,'))).not.toContain('plan.compliance');
    expect(csv.fileName).toBe('导出-步骤.csv');
    expect(csv.csv.startsWith('\uFEFF序号,')).toBe(true);
    expect(csv.csv.trimEnd().split('\r\n')).toHaveLength(7);
    expect(csv.csv).toContain('服务号推送预告');

    const png = await callOk(host, 'funnels.exportPng', { id: f.id, scale: 1 });
    expect(png.fileName).toBe('导出@1x.png');
    const image = PNG.sync.read(Buffer.from(png.pngBase64, 'base64'));
    expect([image.width, image.height]).toEqual([png.width, png.height]);
    // Six nodes at x 0…1500 and y 120…240, each 220 × 92, plus margins (48) and the header (56).
    expect(image.width).toBe(1500 + 220 + 96);
    expect(image.height).toBe(240 - 120 + 92 + 96 + 56);
    // The first node's colour stripe (服务号 green) is drawn at its position: x = margin, y = margin + header (+ 8).
    const at = (x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3));
    expect(at(49, 48 + 56 + 40)).toEqual(rgbOf(NODE_KIND_COLORS.serviceMassSend));
    // The refund node (x 1500) has its red stripe there.
    expect(at(48 + 1500 + 1, 48 + 56 + 40)).toEqual(rgbOf(NODE_KIND_COLORS.refund));
    // The follow-up step has an error (the compliance finding): its border is drawn in red.
    expect(at(48 + 600 + 110, 48 + 56 + 120)).toEqual([0xfa, 0x51, 0x51]);
    // The background between nodes is the page grey.
    expect(at(5, image.height - 5)).toEqual([0xf7, 0xf7, 0xf7]);
  });

  it('answers "no actuals" quietly without a companion', async () => {
    const host = openHost(tempDir());
    const f = await callOk(host, 'funnels.create', { name: '离线', templateId: 'poster-wecom', startDay: '2026-06-01' });
    expect(await callOk(host, 'funnels.actuals', { id: f.id })).toEqual({ available: false, reason: 'offline', nodes: [], eventsRead: 0, ordersRead: 0 });
  });
});
