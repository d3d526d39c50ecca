/**
 * A body measured against WeChat's article limits (schema.ts WECHAT_BODY_LIMITS): the same numbers for the live
 * counters in the editor and for the host's refusal on save.
 */
import { richTextToText } from '../compliance/rich-text';
import { WECHAT_BODY_LIMITS } from './schema';

export interface BodyStats {
  /** Characters of text (Unicode code points), without the line breaks between blocks. */
  chars: number;
  /** UTF-8 bytes of the HTML. */
  bytes: number;
}

/** The field codes of an over-limit body: `body.tooManyChars` and `body.tooLarge`. */
export type BodyLimitCode = 'body.tooManyChars' | 'body.tooLarge';

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function bodyStats(html: string): BodyStats {
  const { text } = richTextToText(html);
  let chars = 0;
  for (const ch of text) if (ch !== '\n') chars++;
  return { chars, bytes: utf8Length(html) };
}

/** What is over WeChat's limits ("fewer than", so reaching a limit is already over). */
export function bodyLimitProblems(stats: BodyStats): BodyLimitCode[] {
  const out: BodyLimitCode[] = [];
  if (stats.chars >= WECHAT_BODY_LIMITS.maxChars) out.push('body.tooManyChars');
  if (stats.bytes >= WECHAT_BODY_LIMITS.maxBytes) out.push('body.tooLarge');
  return out;
}
