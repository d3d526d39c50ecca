/**
 * What a person would read on a page the phone landed on: the text of an HTML page, or the body as is.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const MAX_CHARS = 2000;

export function pageText(body: string, contentType: string | undefined): string {
  let text = body;
  if (!contentType || /html/i.test(contentType) || /^\s*</.test(body)) {
    text = body
      .replace(/<(script|style|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
        if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
        return ENTITIES[name.toLowerCase()] ?? entity;
      });
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_CHARS);
}
