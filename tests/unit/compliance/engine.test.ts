import { describe, expect, it } from 'vitest';
import { buildCharTables, foldLetters } from '../../../shared/compliance/chars';
import { createDefaultScanner, defaultCharTables, defaultRuleSet } from '../../../shared/compliance/default-scanner';
import { compileMatcher } from '../../../shared/compliance/matcher';
import { generateVariants } from '../../../shared/compliance/variants';
import { richTextToText } from '../../../shared/compliance/rich-text';

const tables = defaultCharTables();

function hits(keys: string[], text: string): string[] {
  const m = compileMatcher(tables, keys.map((k) => foldLetters(tables, k)));
  const out: string[] = [];
  m.search(text, (k, s, e) => out.push(`${keys[k]}@${s}-${e}`));
  return out.sort();
}

/** Every occurrence by brute force over plain lower-case ASCII text (no folding involved). */
function naive(keys: string[], text: string): string[] {
  const out: string[] = [];
  keys.forEach((key) => {
    for (let i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + 1)) out.push(`${key}@${i}-${i + key.length}`);
  });
  return out.sort();
}

describe('matcher', () => {
  it('reports nested and overlapping matches that mint-filter misses (compliance-rules.md §1.1)', () => {
    expect(hits(['abcd', 'bc'], 'abce')).toEqual(['bc@1-3']);
    expect(hits(['转发有', '发有'], '转发有礼')).toEqual(['发有@1-3', '转发有@0-3']);
    expect(hits(['he', 'she', 'his', 'hers'], 'ushers')).toEqual(['he@2-4', 'hers@2-6', 'she@1-4']);
  });

  it('agrees with brute force on random keys and texts', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const word = (len: number) => Array.from({ length: len }, () => 'abc'[rnd(3)]).join('');
    for (let round = 0; round < 200; round++) {
      const keys = [...new Set(Array.from({ length: 1 + rnd(12) }, () => word(1 + rnd(5))))];
      const text = word(rnd(80));
      expect(hits(keys, text)).toEqual(naive(keys, text));
    }
  });

  it('maps matches back to the original text through folding, noise and invisible characters', () => {
    const text = '请 轉​發🎉朋友圈，ＷＸ号';
    const found = hits(['转发朋友圈', 'wx'], text);
    expect(found).toEqual(['wx@11-13', '转发朋友圈@2-10']);
    expect(text.slice(2, 10)).toBe('轉​發🎉朋友圈');
  });

  it('does not match across a sentence break', () => {
    expect(hits(['转发'], '转。发')).toEqual([]);
    expect(hits(['转发'], '转、发')).toEqual(['转发@0-3']);
  });
});

describe('character tables', () => {
  it('fold width, case, traditional characters and numerals in every dress', () => {
    expect(foldLetters(tables, 'ＡＢＣ１２３')).toBe('abc123');
    expect(foldLetters(tables, '轉發關注')).toBe('转发关注');
    expect(foldLetters(tables, '①⑵⒊❹➎⓺')).toBe('123456');
    expect(foldLetters(tables, 'Ⓦⓧ')).toBe('wx');
    expect(foldLetters(tables, 'a\u200bb\ufeffc')).toBe('abc');
  });

  it('rebuild identically from their data (a cheap check that the generator output is intact)', () => {
    const again = buildCharTables({ t2s: '發发', pinyin: { fa1: '发' }, common: '发' });
    expect(again.fold['發'.charCodeAt(0)]).toBe('发'.charCodeAt(0));
    expect(tables.readings.get('微')).toContain('wei');
  });
});

describe('variants', () => {
  it('spells patterns in pinyin, initials, homophones and digits', () => {
    const v = (term: string, kinds: string[]) => generateVariants(tables, term, kinds).map((x) => x.text);
    expect(v('转发', ['pinyin'])).toEqual(expect.arrayContaining(['zhuanfa', 'zhuan发', '转fa']));
    expect(v('百家乐', ['initials'])).toContain('bjl');
    expect(v('转发', ['initials'])).toEqual([]); // two-character initials collide with everyday Latin
    expect(v('加微信', ['homophone'])).toEqual(expect.arrayContaining(['加薇信', '加威信']));
    expect(v('法轮功', ['homophone_loose'])).toContain('发轮功');
    expect(v('法轮功', ['homophone'])).not.toContain('发轮功'); // tones differ: only the loose kind swaps it
    expect(v('保底', ['homophone'])).toEqual([]); // two-character same-tone swaps spell real words outside the block categories
    expect(v('冰毒', ['homophone_loose'])).not.toContain('病毒'); // toneless swaps only in longer terms
    expect(v('六合彩', [])).toContain('6合彩');
  });
});

describe('rule data', () => {
  const rules = defaultRuleSet();
  const scanner = createDefaultScanner();

  it('is versioned and every category has a basis', () => {
    expect(rules.version).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
    for (const c of Object.values(rules.categories)) expect(c.basis.zh.length).toBeGreaterThan(4);
  });

  for (const rule of defaultRuleSet().rules) {
    it(`${rule.id}: its positive examples fire it and its negative examples do not`, () => {
      for (const text of rule.examples.positive) {
        const fired = scanner.scan(text).filter((f) => f.severity !== 'info');
        expect(fired.map((f) => f.category), text).toContain(rule.category);
      }
      for (const text of rule.examples.negative) {
        const fired = scanner.scan(text).filter((f) => f.rule === rule.id && f.severity !== 'info');
        expect(fired, text).toEqual([]);
      }
    });
  }
});

describe('findings', () => {
  const scanner = createDefaultScanner();

  it('carry category, severity, original offsets, rule, basis, message and suggestion', () => {
    const text = '限时福利：转发本文到朋友圈，截图即可领取资料包';
    const [f] = scanner.scan(text);
    expect(f).toMatchObject({ category: 'induce_share', severity: 'must_fix', rule: 'share.incentive' });
    expect(text.slice(f!.start, f!.end)).toBe(f!.text);
    expect(f!.text.startsWith('转发')).toBe(true);
    expect(f!.basis.zh).toContain('3.3.1');
    expect(f!.suggestion?.zh).toBeTruthy();
  });

  it('block categories block; a scoped factual superlative is an info hint', () => {
    expect(scanner.scan('百家乐稳赢，加群带你上分')[0]?.severity).toBe('block');
    const scoped = scanner.scan('2023年双十一天猫类目销量第一');
    expect(scoped.map((f) => f.severity)).toEqual(['info']);
    expect(createDefaultScanner({ includeInfo: false }).scan('2023年双十一天猫类目销量第一')).toEqual([]);
  });

  it('spans cover the obfuscated original', () => {
    const text = '加 薇❤信 领取资料';
    const f = scanner.scan(text).find((x) => x.category === 'induce_follow');
    expect(f?.text).toBe('加 薇❤信 领取');
    expect(f?.evasions).toEqual(expect.arrayContaining(['homophone', 'separator']));
  });

  it('honour negation, warning and exemption contexts', () => {
    expect(scanner.scan('本课程不承诺包过，请理性报名')).toEqual([]);
    expect(scanner.scan('反诈课堂：识别刷单返利骗局')).toEqual([]);
    expect(scanner.scan('这是软件工程里的最佳实践')).toEqual([]);
    expect(scanner.scan('鸦片战争的历史背景')).toEqual([]);
    expect(scanner.scan('第一章 第一节：认识Python')).toEqual([]);
  });

  it('apply team terms and allow terms', () => {
    const team = createDefaultScanner({ customTerms: [{ term: '竞品课', category: 'ad_absolute' }], allowTerms: ['最强大脑训练营'] });
    expect(team.scan('比竞品课好').map((f) => f.rule)).toEqual(['custom.ad_absolute']);
    expect(team.scan('最强大脑训练营第三期')).toEqual([]);
    expect(scanner.scan('最强训练营').length).toBe(1);
  });
});

describe('personal data', () => {
  const scanner = createDefaultScanner();
  const pd = (text: string) => scanner.scan(text).filter((f) => f.category === 'personal_data').map((f) => f.text);

  it('finds mobiles in every dress, with their separators', () => {
    expect(pd('电话 138 1234 5678 ')).toEqual(['138 1234 5678']);
    expect(pd('+86 138-1234-5678')).toEqual(['86 138-1234-5678']);
    expect(pd('一三八一二三四五六七八')).toEqual(['一三八一二三四五六七八']);
    expect(pd('幺三八幺二三四五六七八')).toEqual(['幺三八幺二三四五六七八']);
    expect(pd('１３８１２３４５６７８')).toEqual(['１３８１２３４５６７８']);
    expect(pd('1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣').length).toBe(1);
  });

  it('leaves landlines, 400 numbers, longer runs, order numbers and ISBNs alone', () => {
    expect(pd('座机 010-62345678，客服 400-820-8820')).toEqual([]);
    expect(pd('流水 2138123456789')).toEqual([]);
    expect(pd('订单号：13812345678')).toEqual([]);
    expect(pd('ISBN 978-7-111-54742-6')).toEqual([]);
  });

  it('checks the GB 11643 character and the birth date of resident IDs', () => {
    expect(pd('身份证 11010519491231002X')).toEqual(['11010519491231002X']);
    expect(pd('身份证 110105194912310021')).toEqual([]); // wrong check character
    expect(pd('身份证 110105194913310028')).toEqual([]); // month 13
  });

  it('checks bank cards with Luhn', () => {
    expect(pd('卡号 6222 0212 3456 7890 128')).toEqual(['6222 0212 3456 7890 128']);
    expect(pd('卡号 6222 0212 3456 7890 127')).toEqual([]);
  });
});

describe('external links', () => {
  const scanner = createDefaultScanner({ whitelist: ['course.example.com'] });
  const links = (text: string) => scanner.scan(text).filter((f) => f.category === 'external_link').map((f) => f.text);

  it('finds URLs, bare and obfuscated domains, IPs, short links and 淘口令', () => {
    expect(links('详见 https://pan.baidu.com/s/1abc 提取码')).toContain('https://pan.baidu.com/s/1abc');
    expect(links('加入 abc点com 社区')).toEqual(['abc点com']);
    expect(links('看 xyz(.)top')).toEqual(['xyz(.)top']);
    expect(links('打开 ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ')).toEqual(['ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ']);
    expect(links('访问 45.76.12.9 下载')).toEqual(['45.76.12.9']);
    expect(links('短链 t.cn/A6xYz')).toEqual(['t.cn/A6xYz']);
    expect(links('复制 ￥AbC9xYz12Q￥ 打开')).toEqual(['￥AbC9xYz12Q￥']);
  });

  it('whitelists exactly or by dot-suffix, never by prefix', () => {
    expect(links('https://mp.weixin.qq.com/s/abc')).toEqual([]);
    expect(links('https://course.example.com/c/1 和 https://a.course.example.com')).toEqual([]);
    expect(links('https://weixin.qq.com.evil.cn/x')).toEqual(['https://weixin.qq.com.evil.cn/x']);
    expect(links('https://course.example.com.cn')).toEqual(['https://course.example.com.cn']);
  });

  it('ignores versions, file names, prices and a QR code with no destination', () => {
    expect(links('Node.js 20.19 与 Vue.js')).toEqual([]);
    expect(links('课程 ￥199，限时 ￥99')).toEqual([]);
    expect(links('扫码进入课程群')).toEqual([]);
  });
});

describe('robustness', () => {
  const scanner = createDefaultScanner();
  it('never throws on empty, odd or huge input', () => {
    expect(scanner.scan('')).toEqual([]);
    expect(() => scanner.scan('\ud800\udfff\ud83d'.repeat(1000))).not.toThrow();
    expect(() => scanner.scan('\u0000\u0001\uffff'.repeat(1000))).not.toThrow();
    const big = '学习'.repeat(1_000_000) + '包过';
    expect(scanner.scan(big).map((f) => f.rule)).toEqual(['edu.guarantee']);
  });
});

describe('rich text', () => {
  it('reduces HTML to text with offsets back into the HTML', () => {
    const html = '<p>限时&amp;福利</p><p><strong>转发</strong>朋友圈送书</p><script>x="包过"</script>';
    const { text, offsets, ends } = richTextToText(html);
    expect(text).toBe('\n限时&福利\n\n转发朋友圈送书\n');
    const at = text.indexOf('转发');
    expect(html.slice(offsets[at], ends[at + 1])).toBe('转发');
    const amp = text.indexOf('&');
    expect(html.slice(offsets[amp], ends[amp])).toBe('&amp;');
    expect(offsets[text.length]).toBe(html.length);
  });
});
