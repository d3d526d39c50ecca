import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, sanitizeRichText } from '../../../shared/rich-text/sanitize';
import {
  BLOCK_STYLE_PROPERTIES,
  RICH_TEXT_ELEMENTS,
  TEXT_STYLE_PROPERTIES,
  bodyMediaHashes,
  mediaSrc,
  type RichTextElement,
} from '../../../shared/rich-text/schema';
import { bodyLimitProblems, bodyStats, utf8Length } from '../../../shared/rich-text/stats';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/rich-text', name), 'utf8');
const clean = (html: string) => sanitizeRichText(html).html;
const HASH = 'a'.repeat(64);

/** Every tag of `html` is in the subset with only its allowed attributes; styles only from the allowed lists. */
function assertInSubset(html: string): void {
  for (const m of html.matchAll(/<(\/?)([a-zA-Z0-9:-]+)((?:\s+[a-z]+="[^"]*")*)\s*>/g)) {
    const name = m[2] as string;
    expect(Object.keys(RICH_TEXT_ELEMENTS), `element <${name}>`).toContain(name);
    const allowed = RICH_TEXT_ELEMENTS[name as RichTextElement] as readonly string[];
    for (const a of (m[3] ?? '').matchAll(/([a-z]+)="([^"]*)"/g)) {
      const attr = a[1] as string;
      expect(allowed, `attribute ${attr} on <${name}>`).toContain(attr);
      if (attr === 'style') {
        const props = name === 'span' ? TEXT_STYLE_PROPERTIES : BLOCK_STYLE_PROPERTIES;
        for (const decl of (a[2] as string).split('; ')) {
          expect(props as readonly string[]).toContain(decl.split(':')[0]);
          expect(decl).not.toMatch(/url|expression|javascript|[\\'"]/i);
        }
      }
      if (attr === 'src') expect(a[2]).toMatch(/^(studio-media:[0-9a-f]{64}|https:\/\/mmbiz\.q(pic|logo)\.cn\/)/);
    }
  }
  // No markup outside tags: every '<' starts one of the tags above.
  expect(html.replace(/<\/?[a-z0-9]+(?:\s+[a-z]+="[^"]*")*>/g, '')).not.toMatch(/[<>]/);
}

describe('the allowed subset', () => {
  it('keeps headings, lists, quotes, code, dividers, figures and inline formatting as they are', () => {
    const html =
      '<h2>标题</h2><p style="text-align: center">第一段<strong>加粗</strong><em>斜体</em><u>下划线</u><s>删除</s><code>code</code>' +
      '<span style="color: #ff0000; font-size: 15px">红字</span><br>第二行</p>' +
      '<ul><li><p>一</p><ol><li><p>二</p></li></ol></li></ul><blockquote><p>引用</p></blockquote>' +
      `<pre><code>const a = 1;\n  b();</code></pre><hr><figure><img src="${mediaSrc(HASH)}" alt="封面"><figcaption>图 1 <strong>说明</strong></figcaption></figure>` +
      '<p></p>';
    expect(clean(html)).toBe(html);
    assertInSubset(html);
  });

  it('writes formatting in one canonical form: b → strong, i → em, styles of weight and decoration → marks', () => {
    expect(clean('<p><b>a</b><i>b</i><strike>c</strike><del>d</del><ins>e</ins><kbd>f</kbd></p>')).toBe(
      '<p><strong>a</strong><em>b</em><s>cd</s><u>e</u><code>f</code></p>',
    );
    expect(clean('<p><span style="font-weight: 700; font-style: italic; text-decoration: underline line-through">x</span></p>')).toBe(
      '<p><strong><em><u><s>x</s></u></em></strong></p>',
    );
    expect(clean('<b style="font-weight:normal" id="docs-internal-guid-1"><p>Google Docs</p></b>')).toBe('<p>Google Docs</p>');
    expect(clean('<p><font color="#00ff00">绿</font></p>')).toBe('<p><span style="color: #00ff00">绿</span></p>');
  });

  it('maps h5 and h6 to h4, and wraps loose text in paragraphs', () => {
    expect(clean('<h5>五</h5><h6>六</h6>')).toBe('<h4>五</h4><h4>六</h4>');
    expect(clean('just text <b>bold</b>')).toBe('<p>just text <strong>bold</strong></p>');
    expect(clean('<div>a<div>b</div>c</div>')).toBe('<p>a</p><p>b</p><p>c</p>');
  });

  it('collapses HTML whitespace but keeps no-break spaces and code blocks as written', () => {
    expect(clean('<p>  a \n\t b  <br>  c </p>')).toBe('<p>a b<br>c</p>');
    expect(clean('<p>a&nbsp;&nbsp;b</p>')).toBe('<p>a&nbsp;&nbsp;b</p>');
    expect(clean('<pre>line 1\n    line 2<br>line 3</pre>')).toBe('<pre><code>line 1\n    line 2\nline 3</code></pre>');
  });

  it('splits a paragraph around an image: images are blocks', () => {
    expect(clean(`<p style="text-align:center">前<img src="${mediaSrc(HASH)}">后</p>`)).toBe(
      `<p style="text-align: center">前</p><figure><img src="${mediaSrc(HASH)}" alt=""><figcaption></figcaption></figure><p style="text-align: center">后</p>`,
    );
  });

  it('keeps blank lines the author wrote, not paragraphs emptied by removed content', () => {
    expect(clean('<p><br></p><p></p><p><img src="https://example.com/x.png"></p><p><iframe></iframe></p>')).toBe('<p></p><p></p>');
  });

  it('keeps only images in the workspace or on WeChat’s CDN, and reports the others', () => {
    const r = sanitizeRichText(
      `<img src="${mediaSrc(HASH)}"><img src="http://mmbiz.qpic.cn/mmbiz_png/x/0?wx_fmt=png"><img src="https://evil.example/a.png">` +
        '<img src="data:image/png;base64,iVBORw0KGgo="><img src="file:///C:/a.png">',
    );
    expect(r.html).toBe(
      `<figure><img src="${mediaSrc(HASH)}" alt=""><figcaption></figcaption></figure>` +
        '<figure><img src="https://mmbiz.qpic.cn/mmbiz_png/x/0?wx_fmt=png" alt=""><figcaption></figcaption></figure>',
    );
    expect(r.report.droppedImages).toEqual(['https://evil.example/a.png', 'data:image/png;base64,iVBORw0KGgo=', 'file:///C:/a.png']);
    expect(bodyMediaHashes(r.html)).toEqual([HASH]);
  });
});

describe('hostile input', () => {
  it.each([
    ['script', '<p>a</p><script>alert(1)</script><p>b</p>', '<p>a</p><p>b</p>'],
    ['script in capitals with attributes', '<SCRIPT SRC=//evil.example/x.js></SCRIPT><p>b</p>', '<p>b</p>'],
    ['unclosed script', '<p>a</p><script>alert(1)<p>never</p>', '<p>a</p>'],
    ['script whose text looks like a closing tag', '<script>var s = "</scr" + "ipt>";</script><p>ok</p>', '<p>ok</p>'],
    ['event handlers', '<p onclick="x()" onmouseover=y()>a<img src=x onerror=alert(1)></p><svg onload=alert(1)>', '<p>a</p>'],
    ['javascript: links', '<p><a href="javascript:alert(1)">link</a> <a href="  JaVaScRiPt:alert(1)">two</a></p>', '<p>link two</p>'],
    ['javascript: image', '<img src="javascript:alert(1)"><img src="jav&#x09;ascript:alert(1)">', ''],
    ['style sheet', '<style>p{background:url(//evil)}</style><p>a</p>', '<p>a</p>'],
    ['style injection in attributes', '<p style="color: red; background: url(javascript:alert(1)); width: expression(alert(1))">a</p>', '<p><span style="color: red">a</span></p>'],
    ['style value breaking out', '<p><span style="color: red;} body{display:none">a</span></p>', '<p><span style="color: red">a</span></p>'],
    ['css escapes and behaviors', '<p><span style="color: \\72 ed; behavior: url(x.htc); -moz-binding: url(x)">a</span></p>', '<p>a</p>'],
    ['attribute quote breaking', '<p title="a"><img src="https://mmbiz.qpic.cn/x.png" alt="&quot; onerror=&quot;alert(1)"></p>', '<figure><img src="https://mmbiz.qpic.cn/x.png" alt="&quot; onerror=&quot;alert(1)"><figcaption></figcaption></figure>'],
    ['iframes, objects, forms', '<iframe src=//evil></iframe><object data=x></object><embed src=x><form><input value=1><button>b</button></form><p>a</p>', '<p>a</p>'],
    ['comment tricks', '<!--><script>alert(1)</script>--><p>a</p><!-- a -- b --!><p>c</p>', '<p>a</p>'],
    ['bogus tags and lone brackets', '<p>1 < 2 and 3 > 2 </ p><</p>', '<p>1 &lt; 2 and 3 &gt; 2 &lt;/ p&gt;&lt;</p>'],
    ['meta refresh and base', '<meta http-equiv="refresh" content="0;url=//evil"><base href="//evil"><p>a</p>', '<p>a</p>'],
    ['links to other sites lose the link, keep the text', '<p><a href="https://evil.example" target="_blank">点这里</a></p>', '<p>点这里</p>'],
  ])('%s', (_name, input, expected) => {
    const out = clean(input);
    expect(out).toBe(expected);
    assertInSubset(out);
    expect(clean(out)).toBe(out);
  });

  it('survives deep nesting: 100,000 nested elements, text kept, depth bounded', () => {
    const n = 100_000;
    const nested = '<div>'.repeat(n) + '深' + '</div>'.repeat(n);
    expect(clean(nested)).toBe('<p>深</p>');
    const spans = '<span style="color:red"><b>'.repeat(n / 2) + 'x' + '</b></span>'.repeat(n / 2);
    expect(clean(spans)).toBe('<p><strong><span style="color: red">x</span></strong></p>');
    const lists = '<ul><li>'.repeat(2000) + 'item' + '</li></ul>'.repeat(2000);
    const out = clean(lists);
    assertInSubset(out);
    expect((out.match(/<ul>/g) ?? []).length).toBeLessThanOrEqual(MAX_DEPTH);
    expect(out).toContain('item');
  });

  it('runs in linear time on huge input (5 MB of pasted markup)', () => {
    const para = '<p style="color:red" class="x" onclick="y()"><span style="font-size:15px">知识付费课程内容，' + 'a&amp;b '.repeat(10) + '</span></p>\n';
    const huge = para.repeat(Math.ceil((5 * 1024 * 1024) / para.length));
    const out = clean(huge);
    expect(out.startsWith('<p><span style="color: red; font-size: 15px">知识付费课程内容，a&amp;b a&amp;b')).toBe(true);
    const unclosed = '<div><p><b>'.repeat(200_000);
    expect(clean(unclosed).length).toBeGreaterThan(0);
    // Generous for a shared 2-core machine (the timeout below); a quadratic step would take minutes here.
  }, 30_000);

  it('keeps any input inside the subset and is idempotent (seeded random markup)', () => {
    let seed = 7;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % k;
    };
    const pieces = [
      '<p>', '</p>', '<div>', '</div>', '<ul>', '<li>', '</li>', '</ul>', '<ol>', '<blockquote>', '</blockquote>', '<pre>',
      '</pre>', '<h2>', '</h2>', '<b>', '</b>', '<i style="color:blue">', '</i>', '<span style="font-size:12px;position:absolute">',
      '</span>', '<br>', '<hr>', '<img src="https://mmbiz.qpic.cn/a.png">', '<img src=x onerror=alert(1)>', '<script>', '</script>',
      '<!--', '-->', '<![if !supportLists]>', '<![endif]>', '&amp;', '&lt;', '&#x1F600;', '&bogus;', '文字', ' text ', '\n', '<', '>',
      '"', "'", '<figure>', '<figcaption>', '</figcaption>', '</figure>', '<code>', '</code>', '<table><tr><td>', '</td></tr></table>',
    ];
    for (let round = 0; round < 300; round++) {
      let html = '';
      const len = 5 + rand(60);
      for (let k = 0; k < len; k++) html += pieces[rand(pieces.length)];
      const out = clean(html);
      assertInSubset(out);
      expect(clean(out), html).toBe(out);
    }
  });
});

describe('paste fixtures', () => {
  it('Word: mso styles, conditional comments, <o:p> and list paragraphs become the subset', () => {
    const r = sanitizeRichText(fixture('word-paste.html'));
    assertInSubset(r.html);
    expect(r.html).not.toMatch(/mso|Mso|o:p|<!--|\[if/);
    expect(r.html).toContain('<h1 style="line-height: 240%"><span style="font-size: 22.0pt">第一课：如何写好一篇课程介绍</span></h1>');
    expect(r.html).toContain('<span style="color: #c00000">课程介绍</span>是学员决定是否购买的<strong>关键</strong>。');
    expect(r.html).toContain('<em>三件事</em>');
    // Word's numbered paragraphs become a real ordered list, the level-2 bullet a nested list, markers gone.
    expect(r.html).toContain(
      '<ol><li><p>学什么：列出每一章的主题</p></li><li><p>怎么学：每周两次直播</p><ul><li><p>周二、周四晚八点</p></li></ul></li></ol>',
    );
    expect(r.html).toContain('<p style="text-align: center"><span style="color: #7f7f7f">图1 课程海报示例</span></p>');
    expect(r.html).toContain('<p><u>下划线文字</u><s>删除线</s></p>');
    // The image Word pasted lives in a temp file WeChat cannot see: reported, not kept.
    expect(r.report.droppedImages).toEqual(['file:///C:/Users/laoshi/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png']);
    expect(clean(r.html)).toBe(r.html);
  });

  it('a web page: classes, ids, scripts, forms, iframes, external links and images removed', () => {
    const r = sanitizeRichText(fixture('webpage-paste.html'));
    assertInSubset(r.html);
    expect(r.html).not.toMatch(/class=|id=|href|javascript|evil|position|behavior/);
    expect(r.html).toContain('<strong><span style="color: #e74c3c; font-size: 16px">信任</span></strong>');
    expect(r.html).toContain('点这里了解更多，或访问我们的网站。');
    expect(r.html).toContain('<li><p>第二步：打磨一门<span style="background-color: yellow">小课</span></p><ul><li><p>先做免费试听</p></li></ul></li>');
    expect(r.html).toContain('<blockquote><p>内容是最好的广告。</p><p>— 某位老师</p></blockquote>');
    expect(r.html).toContain('<pre><code>const price = 99;\nconsole.log(price);</code></pre>');
    expect(r.html).toContain('<p>图：课程封面（来自网站）</p>');
    expect(r.html).toContain('<p>行内代码：<code>npm start</code>，以及 <code>Ctrl</code>+<code>S</code>。</p>');
    expect(r.html).toContain('<hr><p>结尾&nbsp;段落&amp;符号 &lt;不是标签&gt;</p>');
    expect(r.report.droppedImages).toEqual(['https://cdn.example.com/uploads/2024/05/cover.jpg']);
    expect(r.report.droppedElements).toEqual(expect.arrayContaining(['iframe', 'form', 'svg']));
    expect(clean(r.html)).toBe(r.html);
  });

  it('a WeChat article: section/span soup flattened, inherited styles kept, data-src images kept', () => {
    const r = sanitizeRichText(fixture('wechat-article.html'));
    assertInSubset(r.html);
    expect(r.html).not.toMatch(/section|visibility|outline|mp-|mpvoice|first_sceen/);
    expect(r.html).toMatch(/^<p style="text-align: left"><strong><span style="color: rgb\(255, 129, 36\); font-size: 17px; letter-spacing: 0.544px">导读<\/span><\/strong><\/p>/);
    expect(r.html).toContain(
      '<p style="text-align: justify; line-height: 1.8"><span style="color: rgb(62, 62, 62); font-size: 15px; letter-spacing: 1px">很多老师问我，第一门课应该怎么定价？</span></p><p style="text-align: justify; line-height: 1.8"></p>',
    );
    expect(r.html).toContain(
      '<figure><img src="https://mmbiz.qpic.cn/mmbiz_jpg/Xy1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/640?wx_fmt=jpeg&amp;from=appmsg" alt="图片"><figcaption></figcaption></figure>',
    );
    expect(r.html).toContain('<h2><strong><span style="font-size: 18px">一、锚定价值</span></strong></h2>');
    expect(r.html).toContain('<blockquote><p>定价不是成本加成，而是价值的表达。</p></blockquote>');
    // background-color does not inherit in CSS: the article's white page background is not copied onto every span.
    expect(r.html).not.toContain('background-color');
    expect(r.report.droppedImages).toEqual([]);
    expect(clean(r.html)).toBe(r.html);
  });
});

describe('WeChat limits', () => {
  it('counts text characters (code points, not block breaks) and UTF-8 bytes of the HTML', () => {
    expect(bodyStats('<h2>标题</h2><p>a&amp;b 😀</p>')).toEqual({ chars: 2 + 5, bytes: utf8Length('<h2>标题</h2><p>a&amp;b 😀</p>') });
    expect(utf8Length('a¢中😀')).toBe(1 + 2 + 3 + 4);
  });

  it('is over at 20,000 characters and at 1,000,000 bytes (WeChat says "fewer than")', () => {
    const under = `<p>${'字'.repeat(19_999)}</p>`;
    expect(bodyLimitProblems(bodyStats(under))).toEqual([]);
    expect(bodyLimitProblems(bodyStats(`<p>${'字'.repeat(20_000)}</p>`))).toEqual(['body.tooManyChars']);
    const para = '<p><span style="color: #333333; background-color: #ffffff; font-size: 15px; letter-spacing: 1px">x</span></p>';
    const styled = para.repeat(Math.ceil(1_000_000 / para.length));
    expect(bodyStats(styled).chars).toBeLessThan(20_000);
    expect(bodyLimitProblems(bodyStats(styled))).toEqual(['body.tooLarge']);
    expect(bodyLimitProblems(bodyStats(para.repeat(Math.floor(999_999 / para.length))))).toEqual([]);
  });
});
