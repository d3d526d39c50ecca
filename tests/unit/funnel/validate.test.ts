import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FUNNEL_SETTINGS,
  funnelRules,
  funnelSettingsSchema,
  instantiateTemplate,
  newNode,
  validateFunnel,
  type FunnelDocument,
  type FunnelNode,
} from '../../../shared/funnel/index';

function plan(nodes: FunnelNode[], edges: FunnelDocument['edges'] = []): FunnelDocument {
  return { schemaVersion: 1, name: '测试', nodes, edges };
}
const send = (id: string, at: string | null, extra: Partial<FunnelNode> = {}) => newNode(id, 'serviceMassSend', id, 0, 0, { at, ...extra });
const rules = (doc: FunnelDocument, settings = DEFAULT_FUNNEL_SETTINGS) => validateFunnel(doc, settings).map((f) => `${f.nodeId ?? f.edgeId}:${f.ruleId}`);

describe('the rule table', () => {
  it('gives every rule a source document, section and date, and its settings defaults match the settings schema', () => {
    const table = funnelRules();
    expect(table.rules.length).toBeGreaterThanOrEqual(12);
    for (const r of table.rules) {
      expect(r.source.doc, r.id).not.toBe('');
      expect(r.source.date, r.id).not.toBe('');
      expect(r.message.zh && r.message.en && r.basis.zh && r.basis.en, r.id).toBeTruthy();
    }
    expect(new Set(table.rules.map((r) => r.id)).size).toBe(table.rules.length);
    for (const s of table.settings) {
      expect(DEFAULT_FUNNEL_SETTINGS[s.id as keyof typeof DEFAULT_FUNNEL_SETTINGS]).toBe(s.default);
      const shape = funnelSettingsSchema.shape[s.id as keyof typeof funnelSettingsSchema.shape];
      expect(shape.unwrap().options).toEqual(s.options.map((o) => o.id));
    }
  });
});

describe('服务号 mass sends: 4 per Beijing calendar month', () => {
  it('allows four in one month and flags the fifth, citing the rule and its source', () => {
    const four = ['2026-03-02T20:00', '2026-03-09T20:00', '2026-03-16T20:00', '2026-03-23T20:00'].map((at, i) => send(`s${i + 1}`, at));
    expect(rules(plan(four))).toEqual([]);
    const findings = validateFunnel(plan([...four, send('s5', '2026-03-30T20:00')]));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ nodeId: 's5', ruleId: 'oa.service.massSend.monthly', severity: 'error' });
    expect(findings[0]!.message.zh).toContain('2026-03 的第 5 次');
    expect(findings[0]!.message.en).toContain('at most 4 per calendar month');
    expect(findings[0]!.source).toContain('wechat-surfaces.md C6 [W1] 2023-05-11');
    expect(findings[0]!.source).toContain('wechat-protocols.md §7.3');
  });

  it('counts by calendar month in China time, not by 30 days or UTC', () => {
    // 2026-04-01 07:00 in Beijing is still 2026-03-31 in UTC: it belongs to April here.
    const sends = ['2026-03-05T20:00', '2026-03-12T20:00', '2026-03-19T20:00', '2026-03-26T20:00', '2026-04-01T07:00'].map((at, i) => send(`s${i}`, at));
    expect(rules(plan(sends))).toEqual([]);
    // Five in March, listed out of order on the canvas: the latest one is the fifth.
    const march = ['2026-03-31T23:59', '2026-03-01T00:00', '2026-03-10T09:00', '2026-03-11T09:00', '2026-03-12T09:00'].map((at, i) => send(`m${i}`, at));
    expect(rules(plan(march))).toEqual(['m0:oa.service.massSend.monthly']);
  });

  it('asks for a time when a send has none (the quota cannot be checked)', () => {
    expect(rules(plan([send('s1', null)]))).toEqual(['s1:plan.timeMissing']);
  });
});

describe('other quotas and limits', () => {
  it('订阅号: one post per Beijing day', () => {
    const post = (id: string, at: string) => newNode(id, 'subscriptionPost', id, 0, 0, { at });
    expect(rules(plan([post('a', '2026-05-01T08:00'), post('b', '2026-05-02T08:00')]))).toEqual([]);
    expect(rules(plan([post('a', '2026-05-01T08:00'), post('b', '2026-05-01T23:59')]))).toEqual(['b:oa.subscription.massSend.daily']);
  });

  it('template messages are for service notices only; a marketing one is an error', () => {
    const t = (purpose: 'service' | 'marketing') => newNode('t', 'templateMessage', 't', 0, 0, { at: '2026-05-01T08:00', templatePurpose: purpose, text: '您的课程将于今晚 8 点开播' });
    expect(rules(plan([t('service')]))).toEqual([]);
    expect(rules(plan([t('marketing')]))).toEqual(['t:oa.template.serviceOnly']);
  });

  it('WeCom group sends follow the chosen CONFLICT setting (default: days in the month)', () => {
    const bc = (id: string, at: string) => newNode(id, 'wecomGroupBroadcast', id, 0, 0, { at, audience: 100 });
    const twoADay = [bc('a', '2026-02-10T09:00'), bc('b', '2026-02-10T18:00')];
    expect(rules(plan(twoADay))).toEqual([]);
    expect(rules(plan(twoADay), { ...DEFAULT_FUNNEL_SETTINGS, wecomGroupSendCap: 'onePerDay' })).toEqual(['b:wecom.groupSend.cap']);
    const february = Array.from({ length: 29 }, (_, i) => bc(`d${i}`, `2026-02-${String((i % 28) + 1).padStart(2, '0')}T${i < 28 ? '09' : '20'}:00`));
    // February 2026 has 28 days: the 29th send in it (the latest, d27 on the 28th) is over the default cap.
    expect(rules(plan(february))).toEqual(['d27:wecom.groupSend.cap']);
    expect(rules(plan(february.slice(0, 5)), { ...DEFAULT_FUNNEL_SETTINGS, wecomGroupSendCap: 'fourPerMonth' })).toEqual(['d4:wecom.groupSend.cap']);
    expect(rules(plan([bc('big', '2026-02-01T09:00')].map((n) => ({ ...n, audience: 20_001 }))))).toEqual(['big:wecom.groupSend.size']);
  });

  it('WeCom 1:1 follow-up: at most 5 replies, inside 48 h of the step before it', () => {
    const live = newNode('live', 'liveRoom', '直播', 0, 0, { at: '2026-05-01T20:00', until: '2026-05-01T21:30' });
    const follow = (at: string, replies = 2) => newNode('f', 'wecomOneToOne', '跟进', 0, 0, { at, replies });
    const edge = [{ id: 'e1', source: 'live', target: 'f', low: 0.1, expected: 0.2, high: 0.3 }];
    expect(rules(plan([live, follow('2026-05-03T21:00')], edge))).toEqual([]);
    expect(rules(plan([live, follow('2026-05-03T22:00')], edge))).toEqual(['f:wecom.kf.replyWindow']);
    const tooMany = validateFunnel(plan([live, follow('2026-05-02T10:00', 6)], edge));
    expect(tooMany.map((f) => f.ruleId)).toEqual(['wecom.kf.replyWindow']);
    expect(tooMany[0]!.message.zh).toContain('计划了 6 条');
  });

  it('Moments-ad copy: length by setting, line breaks, product words, click-bait, URLs, phone numbers, em-dash', () => {
    const ad = (text: string) => newNode('ad', 'momentsAd', 'ad', 0, 0, { at: '2026-05-01T08:00', text });
    expect(rules(plan([ad('三个真实案例讲透定价，课程限时开放报名')]))).toEqual([]);
    const thirtyFive = '定'.repeat(35);
    expect(rules(plan([ad(thirtyFive)]))).toEqual(['ad:moments.ad.copyLength']);
    expect(rules(plan([ad(thirtyFive)]), { ...DEFAULT_FUNNEL_SETTINGS, momentsAdCopyLimit: '40' })).toEqual([]);
    expect(rules(plan([ad('第一行\n第二行')]))).toEqual(['ad:moments.ad.copyLength']);
    for (const text of ['关注公众号领课程', '请点击查看详情', '详情见 www.example.com', '咨询 13800138000', '好课——限时', '好课 :)']) {
      expect(rules(plan([ad(text)])), text).toContain('ad:moments.ad.copyWords');
    }
    const word = validateFunnel(plan([ad('关注公众号领课程')]))[0]!;
    expect(word.message.zh).toBe('朋友圈广告文案不能含有未经授权的微信产品词：「公众号」');
    expect(word.message.en).toContain('an unauthorised WeChat product word: “公众号”');
  });

  it('plan shape: rates out of order, a step before its predecessor, cycles', () => {
    const a = send('a', '2026-05-02T08:00');
    const b = newNode('b', 'miniProgramPage', 'b', 0, 0, { at: '2026-05-01T08:00' });
    expect(rules(plan([a, b], [{ id: 'e1', source: 'a', target: 'b', low: 0.3, expected: 0.2, high: 0.4 }]))).toEqual(['b:plan.order', 'e1:plan.rateOrder']);
    const c = newNode('c', 'miniProgramPage', 'c', 0, 0);
    const cyc = plan([send('a', '2026-05-01T08:00'), newNode('b', 'miniProgramPage', 'b', 0, 0), c], [
      { id: 'e1', source: 'a', target: 'b', low: 0.1, expected: 0.1, high: 0.1 },
      { id: 'e2', source: 'b', target: 'c', low: 0.1, expected: 0.1, high: 0.1 },
      { id: 'e3', source: 'c', target: 'b', low: 0.1, expected: 0.1, high: 0.1 },
    ]);
    expect(rules(cyc)).toEqual(['b:plan.cycle', 'c:plan.cycle']);
  });

  it('every template is a clean plan', () => {
    for (const id of ['classic-live', 'series-community', 'poster-wecom']) {
      expect(rules(instantiateTemplate(id, '2026-06-01', 'zh')), id).toEqual([]);
      expect(rules(instantiateTemplate(id, '2026-06-01', 'en')), id).toEqual([]);
    }
  });
});
