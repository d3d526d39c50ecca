/**
 * The compliance scanner: one pass of the matcher over the original text collects every key occurrence (terms,
 * pair parts, context words, allow words, link triggers), a second cheap pass reads digit runs; then the rules
 * decide. Everything a finding needs (span, rule, basis, message, suggestion, evasions) is resolved here, so the
 * renderer (live highlighting) and the host (batch scans, the gate, the command line) get the same answer.
 */
import { type CharTables, EV_CASE, EV_NUMERAL, EV_TRADITIONAL, EV_WIDTH, EV_ZERO_WIDTH, KIND_INVISIBLE, KIND_LETTER, foldLetters } from './chars';
import { findDigitMatches } from './digits';
import { makeLinkReader } from './links';
import { compileMatcher, MAX_KEY_LENGTH } from './matcher';
import type { Rule, RuleContext, RuleSet } from './rule-data';
import type { Category, Evasion, Finding, Scanner, ScannerOptions, Severity } from './types';
import { CATEGORIES } from './types';
import { isWhitelisted } from './validators';
import { generateVariants } from './variants';

const enum Role {
  Term,
  PartA,
  PartB,
  Allow,
  Context,
  LinkTld,
  LinkScheme,
  LinkCurrency,
  IdLabel,
}

interface KeyRole {
  role: Role;
  /** Rule index (or context id for Role.Context; -1 for global allow words). */
  ref: number;
  evasion: Evasion;
  latinStart: boolean;
  latinEnd: boolean;
}

interface Candidate {
  rule: number;
  start: number;
  end: number;
  /** Spans of the parts that allow words are checked against. */
  parts: [number, number][];
  evasion: Evasion | null;
  severity?: Severity;
}

interface CompiledContext {
  before: number | null;
  after: number;
}

const CUSTOM_MESSAGE = {
  zh: '命中团队词表中的词（{label}）',
  en: 'Matches a term on the team’s list ({label})',
};

const IDENTIFIER_WINDOW = 10;
const OWN_LINK_WINDOW = 40;

/** Browsers and Node both have performance.now; shared/ is typed without either, so reach it through globalThis. */
const clock = (globalThis as { performance?: { now(): number } }).performance ?? Date;

function isLatin(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

export function createScanner(ruleSet: RuleSet, tables: CharTables, options: ScannerOptions = {}): Scanner {
  const began = clock.now();
  const includeInfo = options.includeInfo ?? true;
  const whitelist = [...ruleSet.whitelist, ...(options.whitelist ?? [])];
  const rules: Rule[] = [...ruleSet.rules];
  // A team's own terms become one term rule per category.
  const customByCategory = new Map<Category, string[]>();
  for (const t of options.customTerms ?? []) {
    const list = customByCategory.get(t.category) ?? [];
    list.push(t.term);
    customByCategory.set(t.category, list);
  }
  for (const [category, terms] of customByCategory) {
    const label = ruleSet.categories[category]?.label ?? { zh: category, en: category };
    rules.push({
      id: `custom.${category}`,
      kind: 'term',
      category,
      terms,
      message: { zh: CUSTOM_MESSAGE.zh.replace('{label}', label.zh), en: CUSTOM_MESSAGE.en.replace('{label}', label.en) },
      examples: { positive: [terms[0] as string], negative: ['-'] },
    });
  }

  const keyIds = new Map<string, number>();
  const keyRoles: KeyRole[][] = [];
  const keys: string[] = [];
  function addKey(raw: string, role: Role, ref: number, evasion: Evasion): void {
    const folded = foldLetters(tables, raw);
    if (folded.length === 0 || folded.length > MAX_KEY_LENGTH) return;
    let id = keyIds.get(folded);
    if (id === undefined) {
      id = keys.length;
      keyIds.set(folded, id);
      keys.push(folded);
      keyRoles.push([]);
    }
    const roles = keyRoles[id] as KeyRole[];
    if (roles.some((r) => r.role === role && r.ref === ref)) return;
    roles.push({
      role,
      ref,
      evasion,
      latinStart: isLatin(folded.charCodeAt(0)),
      latinEnd: isLatin(folded.charCodeAt(folded.length - 1)),
    });
  }
  const expand = (terms: readonly string[]): string[] =>
    terms.flatMap((t) => {
      if (!t.startsWith('@')) return [t];
      const list = ruleSet.lists[t.slice(1)];
      if (!list) throw new Error(`rule data: unknown list ${t}`);
      return list;
    });
  function addTerms(terms: readonly string[], role: Role, ref: number, variants: readonly string[] = []): void {
    for (const term of expand(terms)) {
      addKey(term, role, ref, 'none');
      if (variants.length > 0) for (const v of generateVariants(tables, term, variants)) addKey(v.text, role, ref, v.evasion);
    }
  }

  const contexts: CompiledContext[] = [];
  const contextIds = new Map<string, number>();
  function contextId(ctx: RuleContext): number {
    const signature = JSON.stringify(ctx);
    let id = contextIds.get(signature);
    if (id === undefined) {
      id = contexts.length;
      contextIds.set(signature, id);
      // Only `after` given: look after the match only (-1 disables the window before it).
      contexts.push({ before: ctx.before ?? (ctx.after !== undefined ? -1 : null), after: ctx.after ?? 0 });
      addTerms(ctx.terms, Role.Context, id);
    }
    return id;
  }
  const ruleUnless: number[][] = [];
  const ruleHint: number[][] = [];
  let wantsLinks = false;
  let wantsTao = false;
  let wantsDigits = false;
  rules.forEach((rule, index) => {
    if (rule.kind === 'term') addTerms(rule.terms, Role.Term, index, rule.variants);
    else if (rule.kind === 'pair') {
      addTerms(rule.a, Role.PartA, index, rule.variants?.a);
      addTerms(rule.b, Role.PartB, index, rule.variants?.b);
    } else if (rule.validator === 'url') wantsLinks = true;
    else if (rule.validator === 'tao_token') wantsTao = true;
    else wantsDigits = true;
    for (const word of rule.allow ?? []) addKey(word, Role.Allow, index, 'none');
    ruleUnless[index] = (rule.unless ?? []).map(contextId);
    ruleHint[index] = (rule.hintWhen ?? []).map(contextId);
  });
  for (const word of options.allowTerms ?? []) addKey(word, Role.Allow, -1, 'none');
  if (wantsLinks) {
    for (const tld of ruleSet.tlds) addKey(tld, Role.LinkTld, 0, 'none');
    addKey('http', Role.LinkScheme, 0, 'none');
  }
  if (wantsTao) for (const sign of '￥¥€₤$') addKey(sign, Role.LinkCurrency, 0, 'none');
  for (const label of ruleSet.identifierLabels) addKey(label, Role.IdLabel, 0, 'none');
  const validatorRule = new Map<string, number>();
  rules.forEach((r, i) => {
    if (r.kind === 'validator') validatorRule.set(r.validator, i);
  });
  const matcher = compileMatcher(tables, keys);
  const links = makeLinkReader(tables, ruleSet.tlds);
  const buildMs = clock.now() - began;

  const { kind: charKind, fold, evasion: charEvasion, cjkDigit } = tables;

  function latinOk(text: string, role: KeyRole, start: number, end: number): boolean {
    if (role.latinStart && start > 0) {
      const c = text.charCodeAt(start - 1);
      if (charKind[c] === KIND_LETTER && isLatin(fold[c] as number)) return false;
    }
    if (role.latinEnd && end < text.length) {
      const c = text.charCodeAt(end);
      if (charKind[c] === KIND_LETTER && isLatin(fold[c] as number)) return false;
    }
    return true;
  }

  function scan(input: string): Finding[] {
    const text = typeof input === 'string' ? input : '';
    if (text.length === 0) return [];
    const hitKey: number[] = [];
    const hitStart: number[] = [];
    const hitEnd: number[] = [];
    const breaks: number[] = [];
    matcher.search(
      text,
      (k, s, e) => {
        hitKey.push(k);
        hitStart.push(s);
        hitEnd.push(e);
      },
      (i) => breaks.push(i),
    );

    const candidates: Candidate[] = [];
    const partsA = new Map<number, [number, number, Evasion][]>();
    const partsB = new Map<number, [number, number, Evasion][]>();
    const allows: [number, number, number][] = [];
    const ctxHits = new Map<number, [number, number][]>();
    const idLabelEnds: number[] = [];
    const linkHits: [number, number, Role][] = [];
    for (let h = 0; h < hitKey.length; h++) {
      const s = hitStart[h] as number;
      const e = hitEnd[h] as number;
      for (const role of keyRoles[hitKey[h] as number] as KeyRole[]) {
        if ((role.latinStart || role.latinEnd) && !latinOk(text, role, s, e)) continue;
        switch (role.role) {
          case Role.Term:
            candidates.push({ rule: role.ref, start: s, end: e, parts: [[s, e]], evasion: role.evasion });
            break;
          case Role.PartA:
          case Role.PartB: {
            const map = role.role === Role.PartA ? partsA : partsB;
            const list = map.get(role.ref) ?? [];
            list.push([s, e, role.evasion]);
            map.set(role.ref, list);
            break;
          }
          case Role.Allow:
            allows.push([role.ref, s, e]);
            break;
          case Role.Context: {
            const list = ctxHits.get(role.ref) ?? [];
            list.push([s, e]);
            ctxHits.set(role.ref, list);
            break;
          }
          case Role.IdLabel:
            idLabelEnds.push(e);
            break;
          default:
            linkHits.push([s, e, role.role]);
        }
      }
    }

    // No break may lie inside [from, to).
    const crossesBreak = (from: number, to: number): boolean => {
      for (const b of breaks) if (b >= from && b < to) return true;
      return false;
    };

    const isAllowed = (rule: number, ps: number, pe: number) =>
      allows.some(([ref, s, e]) => (ref === rule || ref === -1) && s <= ps && e >= pe);
    for (const [rule, allAs] of partsA) {
      const allBs = partsB.get(rule);
      if (!allBs) continue;
      // Parts inside an allowed word (私信回复, 分享会) do not pair; a farther part may.
      const as = allAs.filter(([s, e]) => !isAllowed(rule, s, e));
      const bs = allBs.filter(([s, e]) => !isAllowed(rule, s, e));
      const r = rules[rule] as Extract<Rule, { kind: 'pair' }>;
      for (const [as0, ae, aev] of as) {
        let best: [number, number, Evasion] | null = null;
        let bestGap = Infinity;
        for (const b of bs) {
          const [bs0, be] = b;
          if (bs0 < ae && be > as0) continue; // overlapping parts are one word, not two
          if (r.order === 'ab' && bs0 < ae) continue;
          // A reward after the action reads as its consequence ("转发…即可领取"); one before it counts only when
          // none follows, so the part after is preferred by ranking gaps before it behind every gap after it.
          const gap = bs0 >= ae ? bs0 - ae : as0 - be + r.window + 1;
          if ((bs0 >= ae ? bs0 - ae : as0 - be) > r.window || gap > bestGap) continue;
          // At the same distance the longer reward wins (领红包 over 领).
          if (gap === bestGap && best && be - bs0 <= best[1] - best[0]) continue;
          if (crossesBreak(Math.min(as0, bs0), Math.max(ae, be))) continue;
          best = b;
          bestGap = gap;
        }
        if (best) {
          const evasion = aev !== 'none' ? aev : best[2];
          candidates.push({ rule, start: Math.min(as0, best[0]), end: Math.max(ae, best[1]), parts: [[as0, ae], [best[0], best[1]]], evasion });
        }
      }
    }

    /** The tenant's own links: an "open in the browser" instruction next to one of them is not external. */
    const ownLinks: [number, number][] = [];
    if (linkHits.length > 0) {
      const urlRule = validatorRule.get('url');
      const taoRule = validatorRule.get('tao_token');
      const seen = new Set<string>();
      for (const [s, e, role] of linkHits) {
        const trigger = role === Role.LinkTld ? 'tld' : role === Role.LinkScheme ? 'scheme' : 'currency';
        const link = links.readAt(text, s, e, trigger);
        if (!link) continue;
        const rule = link.kind === 'tao_token' ? taoRule : urlRule;
        if (rule === undefined) continue;
        if (link.host && isWhitelisted(link.host, whitelist)) {
          ownLinks.push([link.start, link.end]);
          continue;
        }
        const sig = `${link.start}:${link.end}`;
        if (seen.has(sig)) continue;
        seen.add(sig);
        candidates.push({ rule, start: link.start, end: link.end, parts: [[link.start, link.end]], evasion: null });
      }
    }

    if (wantsDigits) {
      for (const d of findDigitMatches(tables, text)) {
        const rule = validatorRule.get(d.kind);
        if (rule === undefined) continue;
        if (d.kind !== 'ip_address' && idLabelEnds.some((e) => e <= d.start && d.start - e <= IDENTIFIER_WINDOW && !crossesBreak(e, d.start))) continue;
        if (d.kind === 'ip_address' && isWhitelisted(d.value, whitelist)) continue;
        candidates.push({ rule, start: d.start, end: d.end, parts: [[d.start, d.end]], evasion: null });
      }
    }

    const contextNear = (id: number, start: number, end: number): boolean => {
      const ctx = contexts[id] as CompiledContext;
      const hits = ctxHits.get(id);
      if (!hits) return false;
      for (const [cs, ce] of hits) {
        if (ce <= start) {
          if (ctx.before !== null && start - ce > ctx.before) continue;
          if (!crossesBreak(ce, start)) return true;
        } else if (cs >= end) {
          if (cs - end > ctx.after) continue;
          if (!crossesBreak(end, cs)) return true;
        } else if (cs < start || ce > end) {
          // A context word overlapping the match (不包过: 不包 … 包过) counts as before it.
          if (cs < start) return true;
        }
      }
      return false;
    };

    const findings: Finding[] = [];
    for (const c of candidates) {
      const rule = rules[c.rule] as Rule;
      if (c.parts.some(([ps, pe]) => isAllowed(c.rule, ps, pe))) continue;
      if (rule.category === 'external_link' && rule.kind === 'pair' && ownLinks.some(([ls, le]) => le >= c.start - OWN_LINK_WINDOW && ls <= c.end + OWN_LINK_WINDOW && !crossesBreak(Math.min(le, c.start), Math.max(ls, c.end)))) continue;
      if ((ruleUnless[c.rule] as number[]).some((id) => contextNear(id, c.start, c.end))) continue;
      const category = ruleSet.categories[rule.category];
      let severity: Severity = rule.severity ?? category?.severity ?? 'must_fix';
      if ((ruleHint[c.rule] as number[]).some((id) => contextNear(id, c.start, c.end))) severity = 'info';
      if (severity === 'info' && !includeInfo) continue;
      findings.push({
        category: rule.category,
        severity,
        start: c.start,
        end: c.end,
        text: text.slice(c.start, c.end),
        rule: rule.id,
        basis: rule.basis ?? category?.basis ?? { zh: '', en: '' },
        message: rule.message,
        ...(rule.suggestion ? { suggestion: rule.suggestion } : {}),
        evasions: evasionsOf(text, c.parts, c.evasion),
      });
    }
    return mergeOverlaps(text, findings);
  }

  /** Evasions seen inside the matched parts (the text between a pair's parts is not an evasion). */
  function evasionsOf(text: string, parts: [number, number][], keyEvasion: Evasion | null): Evasion[] {
    let bits = 0;
    let noiseInside = false;
    for (const [start, end] of parts) {
      let lastLetter = -1;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        const k = charKind[c];
        if (k === KIND_LETTER) {
          bits |= charEvasion[c] as number;
          if (cjkDigit[c]) bits |= EV_NUMERAL;
          if (lastLetter >= 0 && i - lastLetter > 1 && !noiseOnlyInvisible(text, lastLetter + 1, i)) noiseInside = true;
          lastLetter = i;
        } else if (k === KIND_INVISIBLE) bits |= EV_ZERO_WIDTH;
      }
    }
    const out = new Set<Evasion>();
    if (keyEvasion && keyEvasion !== 'none') out.add(keyEvasion);
    if (bits & EV_WIDTH) out.add('width');
    if (bits & EV_CASE && keyEvasion !== null) out.add('case');
    if (bits & EV_TRADITIONAL) out.add('traditional');
    if (bits & EV_ZERO_WIDTH) out.add('zero_width');
    if (bits & EV_NUMERAL) out.add('numeral');
    // Separators inside a term are an evasion; inside a number or a link they are its formatting.
    if (noiseInside && keyEvasion !== null) out.add('separator');
    return out.size === 0 ? ['none'] : [...out];
  }

  function noiseOnlyInvisible(text: string, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (charKind[text.charCodeAt(i)] !== KIND_INVISIBLE) return false;
    return true;
  }

  return {
    scan,
    stats: { patterns: keys.length, states: matcher.stateCount, bytes: matcher.bytes, buildMs },
  };
}

const SEVERITY_RANK: Record<Severity, number> = { block: 3, must_fix: 2, info: 1 };

/** Overlapping findings of one category become one: the most severe rule, spanning both, with both evasions. */
function mergeOverlaps(text: string, findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  const lastOf = new Map<Category, number>();
  for (const f of findings) {
    const at = lastOf.get(f.category);
    const prev = at === undefined ? undefined : out[at];
    if (prev && at !== undefined && f.start < prev.end) {
      const keep = SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity] ? f : prev;
      const evasions = [...new Set([...prev.evasions, ...f.evasions])].filter((e, _, all) => e !== 'none' || all.length === 1);
      const end = Math.max(prev.end, f.end);
      out[at] = { ...keep, start: prev.start, end, text: text.slice(prev.start, end), evasions };
      continue;
    }
    lastOf.set(f.category, out.length);
    out.push(f);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

export { CATEGORIES };
