/**
 * The funnel planner end to end: build the classic campaign from its template, add 服务号 sends until one month holds
 * five and see the fifth flagged with its rule, jump to it, fix it (and undo/redo the fix), see inducement in a message
 * flagged on its node, then export the canvas as PNG and the steps as CSV and look inside both files.
 */
import fs from 'node:fs';
import { PNG } from 'pngjs';
import type { Locator, Page } from '@playwright/test';
import { NODE_KIND_COLORS } from '../../shared/funnel/labels';
import { expect, test } from './support/fixtures';

class FunnelEditor {
  constructor(readonly page: Page) {}
  get canvas(): Locator {
    return this.page.getByRole('region', { name: '漏斗画布' });
  }
  node(id: string): Locator {
    return this.canvas.locator(`.react-flow__node[data-id="${id}"]`);
  }
  get findings(): Locator {
    return this.page.getByRole('list', { name: '校验' }).getByRole('listitem');
  }
  get at(): Locator {
    return this.page.getByLabel('时间（北京时间）', { exact: true });
  }
  tab(name: string): Locator {
    return this.page.getByRole('tab', { name: new RegExp(`^${name}`) });
  }
  async expectSaved(): Promise<void> {
    await expect(this.page.locator('.fn-editor [data-save-state]').first()).toHaveAttribute('data-save-state', 'saved');
  }
  /** Adds a 服务号 mass send from the palette (it becomes the selection) and sets its time. */
  async addServiceSend(at: string): Promise<string> {
    await this.page.getByRole('button', { name: '添加「服务号群发」' }).click();
    const id = await this.page.locator('.fn-inspector-body').getAttribute('data-node-id');
    await this.at.fill(at);
    return id!;
  }
}

test('classic funnel: the fifth 服务号 send in a month is an error that cites its rule; fixed, then exported as PNG and CSV', async ({ page, studio }) => {
  await studio.open(page);
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '营销漏斗' }).click();
  await page.getByLabel('名称').fill('六月直播课');
  await page.getByLabel('模板').selectOption({ label: '经典直播转化' });
  await page.getByLabel('开始日期（北京时间）').fill('2026-06-01');
  await page.getByRole('button', { name: '新建漏斗' }).click();

  const editor = new FunnelEditor(page);
  await expect(editor.canvas).toHaveAttribute('data-nodes', '6');
  for (const label of ['服务号推送预告', '小程序直播间', '企业微信客服跟进未付款用户', '朋友圈广告定向投放']) {
    await expect(editor.canvas.getByLabel(label, { exact: true })).toBeVisible();
  }
  await expect(page.getByText('没有发现问题。')).toBeVisible();

  // The template's preview is June's first send; three more fit the quota, the fifth does not.
  for (const at of ['2026-06-08T20:00', '2026-06-15T20:00', '2026-06-22T20:00']) await editor.addServiceSend(at);
  await expect(page.getByText('没有发现问题。')).toBeVisible();
  const fifth = await editor.addServiceSend('2026-06-29T20:00');
  const finding = editor.findings.and(page.locator('[data-rule="oa.service.massSend.monthly"]'));
  await expect(finding).toHaveCount(1);
  await expect(finding).toContainText('2026-06 的第 5 次服务号群发');
  await expect(finding).toContainText('规则 oa.service.massSend.monthly');
  await expect(finding).toContainText('wechat-surfaces.md C6 [W1] 2023-05-11');
  await expect(editor.tab('校验')).toHaveText('校验 (1)');
  await expect(editor.node(fifth).locator('.fn-badge-error')).toHaveText('1');

  // Jump from the list to the node: it becomes the selection shown in the inspector.
  await editor.canvas.locator('.react-flow__pane').click({ position: { x: 40, y: 360 } });
  await expect(page.getByText('选中一个步骤或连线查看属性。')).toBeVisible();
  await page.getByRole('button', { name: '定位到「服务号群发」' }).click();
  await expect(page.locator('.fn-inspector-body')).toHaveAttribute('data-node-id', fifth);
  await expect(editor.node(fifth)).toHaveClass(/selected/);

  await editor.tab('日程').click();
  await expect(page.locator('.fn-quota[data-month="2026-06"]')).toHaveText('2026-06 服务号群发 5/4');
  await expect(page.locator('.fn-quota[data-month="2026-06"]')).toHaveClass(/over/);

  // The fix: move it to July. Undo brings the error back, redo removes it again.
  await editor.at.fill('2026-07-06T20:00');
  await expect(page.locator('.fn-quota[data-month="2026-06"]')).toHaveText('2026-06 服务号群发 4/4');
  await editor.tab('校验').click();
  await expect(page.getByText('没有发现问题。')).toBeVisible();
  await page.getByRole('button', { name: '撤销' }).click();
  await expect(page.locator('li[data-rule="oa.service.massSend.monthly"]')).toHaveCount(1);
  await page.getByRole('button', { name: '重做' }).click();
  await expect(page.getByText('没有发现问题。')).toBeVisible();

  // Every message text goes through the compliance engine (the page's scanning worker): inducement flags the node.
  const text = page.getByRole('textbox', { name: '文案', exact: true });
  await text.fill('转发到朋友圈集满 30 个赞即可免费领取课程');
  await expect(editor.node(fifth).locator('.fn-badge-inducement')).toHaveText('诱导分享/关注');
  await expect(page.locator('li[data-rule="plan.compliance"]').first()).toContainText('合规扫描');
  await text.fill('七月第一周的直播预告');
  await expect(editor.node(fifth).locator('.fn-badge-inducement')).toHaveCount(0);
  await expect(page.getByText('没有发现问题。')).toBeVisible();
  await editor.expectSaved();

  const pngDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 PNG' }).click();
  const png = await pngDownload;
  expect(png.suggestedFilename()).toBe('六月直播课@2x.png');
  const image = PNG.sync.read(fs.readFileSync((await png.path())!));
  expect(image.width).toBeGreaterThan(1000);
  // The 服务号 nodes' green stripe is in the picture; no node is drawn with the error red border any more.
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(NODE_KIND_COLORS.serviceMassSend.slice(i, i + 2), 16));
  let green = 0;
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b) green++;
  expect(green).toBeGreaterThan(5 * 4 * 2 * 60);

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出步骤 CSV' }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('六月直播课-步骤.csv');
  const bytes = fs.readFileSync((await csv.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
  expect(rows[0]).toMatch(/^序号,节点ID,类型,名称,时间（北京时间）/);
  expect(rows).toHaveLength(1 + 10);
  expect(rows[1]).toMatch(/^1,preview,服务号群发,服务号推送预告,2026-06-01T20:00,/);
  expect(rows.some((row) => row.includes(`,${fifth},服务号群发,服务号群发,2026-07-06T20:00,`))).toBe(true);

  // Back in the list the plan is there with its ten steps; deleting asks first.
  await page.getByRole('button', { name: '返回漏斗列表' }).click();
  await expect(page.getByRole('button', { name: '打开漏斗「六月直播课」' })).toContainText('10 个步骤');
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: '删除漏斗「六月直播课」' }).click();
  await expect(page.getByRole('button', { name: '打开漏斗「六月直播课」' })).toBeVisible();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: '删除漏斗「六月直播课」' }).click();
  await expect(page.getByText('还没有漏斗计划。')).toBeVisible();
});
