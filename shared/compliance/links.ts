/**
 * Links, read around a trigger the matcher found (a top-level domain, "http", a 淘口令 currency sign): URLs, bare and
 * obfuscated domains ("xx点com", "xx(.)top", full-width, spaced), and 淘口令. The host decides against the tenant's
 * whitelist (exact or dot-suffix).
 */
import { type CharTables, KIND_INVISIBLE } from './chars';

export interface LinkMatch {
  start: number;
  end: number;
  host: string | null;
  kind: 'url' | 'tao_token';
}

/**
 * The folded text of [from, to) with each folded unit's original offset (invisible units dropped; with `compact`,
 * whitespace too, for domains spelt out letter by letter: "w w w . y a s i . n e t").
 */
function foldWindow(tables: CharTables, text: string, from: number, to: number, compact = false): { s: string; at: number[] } {
  let s = '';
  const at: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(text.length, to); i++) {
    const c = text.charCodeAt(i);
    if (tables.kind[c] === KIND_INVISIBLE) continue;
    if (compact && (c === 0x20 || c === 0x3000 || c === 0xa0)) continue;
    s += String.fromCharCode(tables.fold[c] ?? c);
    at.push(i);
  }
  at.push(Math.min(text.length, to));
  return { s, at };
}

const DOT = String.raw`(?:\s*(?:\.|。|｡|点|\(\.\)|\[\.\]|【\.】|\(点\)|（点）|dot|dian|·|丶)\s*)`;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PATH = String.raw`(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?`;

export function makeLinkReader(tables: CharTables, tlds: readonly string[]) {
  const tldAlt = [...tlds].sort((a, b) => b.length - a.length).join('|');
  const domainRe = new RegExp(`(?:https?[:：]//)?((?:${LABEL}${DOT})+(?:${tldAlt}))(?![a-z0-9])${PATH}`, 'g');
  const urlRe = /https?[:：]\/\/([a-z0-9.-]+)(?::\d{1,5})?[\x21-\x7e]*/g;
  const taoRe = /[￥¥€₤$]([a-z0-9]{8,14})[￥¥€₤$]/g;

  /** Links whose trigger [tStart, tEnd) lies inside them. */
  function readAt(text: string, tStart: number, tEnd: number, trigger: 'tld' | 'scheme' | 'currency'): LinkMatch | null {
    if (trigger === 'tld' && !looksLikeDomainEnd(text, tStart, tEnd)) return null;
    const found = match(text, tStart, tEnd, trigger, false);
    if (found || trigger !== 'tld') return found;
    // Letters spaced out one by one: read again without the spaces.
    return /[a-z0-9] [a-z0-9] [a-z0-9]/i.test(text.slice(Math.max(0, tStart - 12), tStart)) ? match(text, tStart, tEnd, trigger, true) : null;
  }

  function match(text: string, tStart: number, tEnd: number, trigger: 'tld' | 'scheme' | 'currency', compact: boolean): LinkMatch | null {
    const { s, at } = foldWindow(tables, text, tStart - 260, tEnd + 260, compact);
    const re = trigger === 'tld' ? domainRe : trigger === 'scheme' ? urlRe : taoRe;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      const start = at[m.index] as number;
      const end = (at[m.index + m[0].length - 1] as number) + 1;
      if (start <= tStart && end >= tEnd) {
        if (trigger === 'currency') {
          const token = m[1] as string;
          if (!/[a-z]/.test(token) || !/\d/.test(token)) return null;
          return { start, end, host: null, kind: 'tao_token' };
        }
        const host = (m[1] as string).replace(new RegExp(DOT, 'g'), '.').replace(/\.+/g, '.');
        return { start, end: trimEnd(text, start, end), host, kind: 'url' };
      }
      if (start > tStart) break;
      if (m[0].length === 0) re.lastIndex++;
    }
    return null;
  }
  return { readAt };
}

/** Cheap check before the regex: a dot form right before the TLD and no letter or digit right after it. */
function looksLikeDomainEnd(text: string, tStart: number, tEnd: number): boolean {
  const after = text.charCodeAt(tEnd);
  if (isAlnum(after)) return false;
  let i = tStart - 1;
  while (i >= 0 && /[\s\u200b-\u200f\u2060\ufeff]/.test(text[i] as string)) i--;
  const ch = text[i];
  if (ch === undefined) return false;
  if ('.。｡．点點)）]】·丶'.includes(ch)) return true;
  return /(dot|dian)$/i.test(text.slice(Math.max(0, i - 3), i + 1));
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
}

/** A URL does not end in sentence punctuation. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[.,;:!?)\]'"]/.test(text[e - 1] as string)) e--;
  return e;
}
