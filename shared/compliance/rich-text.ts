/**
 * Rich text (the WeChat-safe HTML subset of lesson bodies) reduced to plain text with a map back to the HTML, so a
 * finding in the text can be highlighted in the editor: text units [start, end) come from HTML
 * [offsets[start], ends[end - 1]); offsets[text.length] is the end of the HTML. Block elements become line breaks (sentence breaks for the scanner);
 * scripts, styles and comments contribute nothing.
 */

const BLOCKS = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'figcaption', 'figure', 'tr', 'section', 'table']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', middot: '·', hellip: '…', mdash: '—', ndash: '–', yen: '¥', times: '×' };

export function richTextToText(html: string): { text: string; offsets: Int32Array; ends: Int32Array } {
  const parts: string[] = [];
  const offsets: number[] = [];
  const ends: number[] = [];
  const emit = (s: string, at: number, end: number) => {
    for (let k = 0; k < s.length; k++) {
      offsets.push(at);
      ends.push(end);
    }
    parts.push(s);
  };
  let i = 0;
  const n = html.length;
  while (i < n) {
    const ch = html[i] as string;
    if (ch === '<') {
      if (html.startsWith('<!--', i)) {
        const close = html.indexOf('-->', i + 4);
        i = close < 0 ? n : close + 3;
        continue;
      }
      const close = html.indexOf('>', i + 1);
      if (close < 0) {
        emit(html.slice(i), i, n);
        break;
      }
      const tag = /^<\/?\s*([a-zA-Z0-9]+)/.exec(html.slice(i, close + 1));
      const name = tag?.[1]?.toLowerCase() ?? '';
      if ((name === 'script' || name === 'style') && !html.startsWith('</', i)) {
        const end = html.toLowerCase().indexOf(`</${name}`, close);
        i = end < 0 ? n : html.indexOf('>', end) + 1 || n;
        continue;
      }
      if (BLOCKS.has(name)) emit('\n', i, close + 1);
      i = close + 1;
      continue;
    }
    if (ch === '&') {
      const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/.exec(html.slice(i, i + 12));
      if (m) {
        const body = m[1] as string;
        let value: string | undefined;
        if (body.startsWith('#x')) value = safeCodePoint(parseInt(body.slice(2), 16));
        else if (body.startsWith('#')) value = safeCodePoint(parseInt(body.slice(1), 10));
        else value = ENTITIES[body.toLowerCase()];
        if (value !== undefined) {
          emit(value, i, i + m[0].length);
          i += m[0].length;
          continue;
        }
      }
    }
    offsets.push(i);
    ends.push(i + 1);
    parts.push(ch);
    i++;
  }
  offsets.push(n);
  return { text: parts.join(''), offsets: Int32Array.from(offsets), ends: Int32Array.from(ends) };
}

function safeCodePoint(cp: number): string | undefined {
  if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return String.fromCodePoint(cp);
}
