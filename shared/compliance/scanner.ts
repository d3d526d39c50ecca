/**
 * The compliance scanner: one pass of the matcher over the original text collects every key occurrence (terms,
 * pair parts, context words, allow words, link triggers), a second cheap pass reads digit runs; then the rules
 * decide. Everything a finding needs (span, rule, basis, message, suggestion, evasions) is resolved here, so the
 * renderer (live highlighting) and the host (batch scans, the gate, the command line) get the same answer.
 */
import { type CharTables, EV_CASE, EV_NUMERAL, EV_TRADITIONAL, EV_WIDTH, EV_ZERO_WIDTH, KIND_INVISIBLE, KIND_LETTER, foldLetters } from './chars';
import { findDigitMatchesAt } from './digits';
import { makeLinkReader } from './links';
import { compileMatcher, MAX_KEY_LENGTH, newHitBuffer } from './matcher';
import type { Rule, RuleContext, RuleSet } from './rule-data';
import { type Category, type Evasion, EVASIONS, type Finding, type Scanner, type ScannerOptions, type Severity } from './types';
import { isWhitelisted } from './validators';
import { expandTerms, generateVariants, type Variant, type VariantData, variantEvasion } from './variants';

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
const NO_BASIS = { zh: '', en: '' };
const VARIANT_CACHE = new WeakMap<CharTables, Map<string, Variant[]>>();

/** Browsers and Node both have performance.now; shared/ is typed without either, so reach it through globalThis. */
const clock = (globalThis as { performance?: { now(): number } }).performance ?? Date;

function isLatin(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/** `variantData`: the rule terms' variants made ahead of time (see VariantData); terms it lacks are expanded here. */
export function createScanner(ruleSet: RuleSet, tables: CharTables, options: ScannerOptions = {}, variantData?: VariantData): Scanner {
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

  // One entry per meaning: its folded letters, role, rule or context index and evasion index, in the order added.
  // Entries with the same letters become one key in the matcher (the first entry's index), and their roles are
  // gathered onto it below: no map of strings while collecting.
  const keys: string[] = [];
  const entryRole: number[] = [];
  const entryRef: number[] = [];
  const entryEvasion: number[] = [];
  function addKey(raw: string, role: Role, ref: number, evasion: Evasion): void {
    const folded = foldLetters(tables, raw);
    if (folded.length === 0 || folded.length > MAX_KEY_LENGTH) return;
    keys.push(folded);
    entryRole.push(role);
    entryRef.push(ref);
    entryEvasion.push(EVASION_INDEX.get(evasion) ?? 0);
  }
  // Variants of the rule terms: from the data generated ahead of time when it has them (the shipped rules), else
  // generated once per character tables, so a team-list change rebuilds the scanner without generating them again.
  let variantCache = VARIANT_CACHE.get(tables);
  if (!variantCache) {
    variantCache = new Map();
    VARIANT_CACHE.set(tables, variantCache);
  }
  const cache = variantCache;
  function addTerms(terms: readonly string[], role: Role, ref: number, variants: readonly string[] = []): void {
    const kinds = variants.join(',');
    const ready = variants.length > 0 ? variantData?.[kinds] : undefined;
    for (const term of expandTerms(ruleSet, terms)) {
      addKey(term, role, ref, 'none');
      if (variants.length === 0) continue;
      const entries = ready?.[term];
      if (entries) {
        for (const entry of entries) addKey(entry.slice(1), role, ref, variantEvasion(entry));
        continue;
      }
      const cacheKey = `${kinds}\u0000${term}`;
      let list = cache.get(cacheKey);
      if (!list) {
        list = generateVariants(tables, term, variants);
        cache.set(cacheKey, list);
      }
      for (const v of list) addKey(v.text, role, ref, v.evasion);
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

  // The roles flattened into typed arrays, key by key (roleFrom[k] … roleEnd[k], k the key the matcher reports): the
  // hit loop reads a few adjacent numbers. A key's roles keep the order they were added in, and a role repeated for
  // the same rule or context (a variant spelling a listed term again) keeps its first evasion.
  const { canonical } = matcher;
  const entryCount = keys.length;
  const roleFrom = new Int32Array(entryCount);
  const roleEnd = new Int32Array(entryCount);
  for (let e = 0; e < entryCount; e++) {
    const k = canonical[e] as number;
    if (k >= 0) roleEnd[k] = (roleEnd[k] as number) + 1;
  }
  let roleCount = 0;
  for (let k = 0; k < entryCount; k++) {
    roleFrom[k] = roleCount;
    roleCount += roleEnd[k] as number;
    roleEnd[k] = roleFrom[k] as number;
  }
  const roleKind = new Uint8Array(roleCount);
  const roleRef = new Int32Array(roleCount);
  const roleEvasion = new Uint8Array(roleCount);
  /** Per key, bit 1: it starts with a Latin letter or digit; bit 2: it ends with one (word-boundary checks). */
  const keyLatin = new Uint8Array(entryCount);
  // Per key, which roles it has, so the hit loop skips keys that only matter around a candidate (context words,
  // allow words, reward parts: often single common characters) without looking at their roles.
  const keyFlags = new Uint16Array(entryCount);
  let patterns = 0;
  for (let e = 0; e < entryCount; e++) {
    const k = canonical[e] as number;
    if (k < 0) continue;
    const role = entryRole[e] as number;
    const ref = entryRef[e] as number;
    const end = roleEnd[k] as number;
    let repeated = false;
    for (let r = roleFrom[k] as number; r < end && !repeated; r++) repeated = roleKind[r] === role && roleRef[r] === ref;
    if (repeated) continue;
    roleKind[end] = role;
    roleRef[end] = ref;
    roleEvasion[end] = entryEvasion[e] as number;
    roleEnd[k] = end + 1;
    keyFlags[k] = (keyFlags[k] as number) | (1 << role);
    if (k === e) {
      patterns++;
      const key = keys[e] as string;
      keyLatin[k] = (isLatin(key.charCodeAt(0)) ? 1 : 0) | (isLatin(key.charCodeAt(key.length - 1)) ? 2 : 0);
    }
  }
  // Which rules have allow words at all, and whether the team has allow terms: most findings need no look for them.
  const ruleAllow = new Uint8Array(rules.length);
  let anyAllow = false;
  for (let r = 0; r < roleCount; r++) {
    if (roleKind[r] !== Role.Allow) continue;
    const ref = roleRef[r] as number;
    if (ref < 0) anyAllow = true;
    else ruleAllow[ref] = 1;
  }
  const DRIVING = (1 << Role.Term) | (1 << Role.PartA) | (1 << Role.LinkTld) | (1 << Role.LinkScheme) | (1 << Role.LinkCurrency) | (1 << Role.IdLabel);
  const hits = newHitBuffer();
  const candidates = newCandidates();
  const kept = newKept();
  // Per rule: its severity (as a rank), basis, category (as a number) and the rank of its id among all ids (ties
  // between findings on one span resolve by rule id).
  const ruleSeverity = new Uint8Array(rules.length);
  const ruleBasis: Finding['basis'][] = [];
  const ruleCategory = new Int32Array(rules.length);
  const ruleRank = new Int32Array(rules.length);
  // What a finding copies from its rule, and whether the tenant's own links can excuse it, read per rule from plain
  // arrays: the rule objects come in several shapes (parsed data, team lists).
  const ruleCategoryName: Category[] = [];
  const ruleIdOf: string[] = [];
  const ruleMessage: Finding['message'][] = [];
  const ruleSuggestion: (Finding['suggestion'] | undefined)[] = [];
  const ruleOwnLinks = new Uint8Array(rules.length);
  const categoryIds = new Map<Category, number>();
  const ids = [...new Set(rules.map((r) => r.id))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const idRank = new Map(ids.map((id, i) => [id, i]));
  rules.forEach((rule, i) => {
    const category = ruleSet.categories[rule.category];
    ruleSeverity[i] = SEVERITY_RANK[rule.severity ?? category?.severity ?? 'must_fix'];
    ruleBasis[i] = rule.basis ?? category?.basis ?? NO_BASIS;
    let id = categoryIds.get(rule.category);
    if (id === undefined) categoryIds.set(rule.category, (id = categoryIds.size));
    ruleCategory[i] = id;
    ruleRank[i] = idRank.get(rule.id) as number;
    ruleCategoryName[i] = rule.category;
    ruleIdOf[i] = rule.id;
    ruleMessage[i] = rule.message;
    ruleSuggestion[i] = rule.suggestion;
    ruleOwnLinks[i] = rule.category === 'external_link' && rule.kind === 'pair' ? 1 : 0;
  });

  function latinOk(text: string, latin: number, start: number, end: number): boolean {
    if ((latin & 1) !== 0 && start > 0) {
      const c = text.charCodeAt(start - 1);
      if (charKind[c] === KIND_LETTER && isLatin(fold[c] as number)) return false;
    }
    if ((latin & 2) !== 0 && end < text.length) {
      const c = text.charCodeAt(end);
      if (charKind[c] === KIND_LETTER && isLatin(fold[c] as number)) return false;
    }
    return true;
  }

  // The scan in progress, read by the helpers below. They live here rather than inside scan so that each call site
  // always sees the same function (closures made per scan sent the optimizer into deoptimization loops).
  let text = '';
  let hitKey = hits.keys;
  let hitStart = hits.starts;
  let hitEnd = hits.ends;
  let breaks = hits.breaks;
  let hitCount = 0;
  let breakCount = 0;

  /** First hit index whose end is ≥ offset (hits are in order of end). */
  const firstEndingAtOrAfter = (offset: number): number => {
    let lo = 0;
    let hi = hitCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hitEnd[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Whether a sentence break lies inside [from, to). */
  const crossesBreak = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = breakCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((breaks[mid] as number) < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < breakCount && (breaks[lo] as number) < to;
  };
  /** The role index by which hit h has `role` for `ref` (its Latin edges standing alone), or -1. */
  const roleOf = (h: number, role: Role, ref: number): number => {
    const key = hitKey[h] as number;
    if (((keyFlags[key] as number) & (1 << role)) === 0) return -1;
    for (let r = roleFrom[key] as number, end = roleEnd[key] as number; r < end; r++) {
      if (roleKind[r] !== role || roleRef[r] !== ref) continue;
      const latin = keyLatin[key] as number;
      if (latin === 0 || latinOk(text, latin, hitStart[h] as number, hitEnd[h] as number)) return r;
    }
    return -1;
  };
  const hasRole = (h: number, role: Role, ref: number): boolean => roleOf(h, role, ref) >= 0;
  /** An allow word of `rule` (or a team allow term) covers [ps, pe). */
  const isAllowed = (rule: number, ps: number, pe: number): boolean => {
    if (!anyAllow && ruleAllow[rule] === 0) return false;
    for (let h = firstEndingAtOrAfter(pe); h < hitCount && (hitEnd[h] as number) <= pe + MAX_KEY_LENGTH * 2; h++) {
      if ((hitStart[h] as number) > ps) continue;
      if (((keyFlags[hitKey[h] as number] as number) & ALLOW_FLAG) === 0) continue;
      if (hasRole(h, Role.Allow, rule) || hasRole(h, Role.Allow, -1)) return true;
    }
    return false;
  };
  const contextNear = (id: number, start: number, end: number): boolean => {
    const ctx = contexts[id] as CompiledContext;
    if (ctx.before !== -1) {
      // Before the match (and a context word overlapping its start: 不包过 — 不包 … 包过).
      for (let h = firstEndingAtOrAfter(start + 1) - 1; h >= 0; h--) {
        const ce = hitEnd[h] as number;
        if (ctx.before !== null && start - ce > ctx.before) break;
        if (!hasRole(h, Role.Context, id)) continue;
        if (!crossesBreak(ce, start)) return true;
        if (ctx.before === null) break;
      }
      for (let h = firstEndingAtOrAfter(start + 1); h < hitCount && (hitEnd[h] as number) < end + MAX_KEY_LENGTH; h++) {
        if ((hitStart[h] as number) < start && hasRole(h, Role.Context, id)) return true;
      }
    }
    if (ctx.after > 0) {
      for (let h = firstEndingAtOrAfter(end + 1); h < hitCount && (hitEnd[h] as number) <= end + ctx.after + MAX_KEY_LENGTH; h++) {
        const cs = hitStart[h] as number;
        if (cs < end || cs - end > ctx.after) continue;
        if (hasRole(h, Role.Context, id) && !crossesBreak(end, cs)) return true;
      }
    }
    return false;
  };

  /** Adds the candidate an action part [as0, ae) of pair rule `rule` makes with its best partner, if one qualifies. */
  function pairWith(rule: number, as0: number, ae: number, aev: number): void {
    const r = rules[rule] as Extract<Rule, { kind: 'pair' }>;
    let bestStart = -1;
    let bestEnd = -1;
    let bestEvasion = 0;
    let bestGap = Infinity;
    const from = firstEndingAtOrAfter(Math.max(0, as0 - r.window));
    for (let h = from; h < hitCount; h++) {
      const bs0 = hitStart[h] as number;
      const be = hitEnd[h] as number;
      if (bs0 > ae + r.window) {
        if (be > ae + r.window + MAX_KEY_LENGTH) break;
        continue;
      }
      if (((keyFlags[hitKey[h] as number] as number) & (1 << Role.PartB)) === 0) continue;
      if (bs0 < ae && be > as0) continue; // overlapping parts are one word, not two
      if (r.order === 'ab' && bs0 < ae) continue;
      // A reward after the action reads as its consequence ("转发…即可领取"); one before it counts only when none
      // follows, so gaps before the action rank behind every gap after it.
      const distance = bs0 >= ae ? bs0 - ae : as0 - be;
      if (distance > r.window) continue;
      const gap = bs0 >= ae ? distance : distance + r.window + 1;
      if (gap > bestGap) continue;
      // At the same distance the longer reward wins (领红包 over 领).
      if (gap === bestGap && be - bs0 <= bestEnd - bestStart) continue;
      const role = roleOf(h, Role.PartB, rule);
      if (role < 0) continue;
      if (crossesBreak(Math.min(as0, bs0), Math.max(ae, be))) continue;
      if (isAllowed(rule, bs0, be)) continue;
      bestStart = bs0;
      bestEnd = be;
      bestEvasion = roleEvasion[role] as number;
      bestGap = gap;
    }
    // Parts inside an allowed word (私信回复, 分享会) do not pair; a farther part may (checked last: it is rare).
    if (bestStart < 0 || isAllowed(rule, as0, ae)) return;
    // A reward after the action runs on through adjacent reward words (即可 → 领取 → 红包): the span covers them.
    if (bestStart >= ae) {
      for (let h = firstEndingAtOrAfter(bestEnd + 1); h < hitCount && (hitStart[h] as number) <= bestEnd + 1; h++) {
        if ((hitStart[h] as number) >= bestStart && (hitEnd[h] as number) > bestEnd && hasRole(h, Role.PartB, rule) && !crossesBreak(bestEnd, hitEnd[h] as number)) {
          bestEnd = hitEnd[h] as number;
        }
      }
    }
    pushCandidate(candidates, rule, Math.min(as0, bestStart), Math.max(ae, bestEnd), as0, ae, bestStart, bestEnd, aev !== 0 ? aev : bestEvasion);
  }

  function scan(input: string): Finding[] {
    text = typeof input === 'string' ? input : '';
    if (text.length === 0) return [];
    matcher.collect(text, hits);
    hitKey = hits.keys;
    hitStart = hits.starts;
    hitEnd = hits.ends;
    breaks = hits.breaks;
    hitCount = hits.count;
    breakCount = hits.breakCount;
    candidates.count = 0;

    let idLabelEnds: number[] | null = null;
    let linkHits: number[] | null = null;
    for (let h = 0; h < hitCount; h++) {
      const key = hitKey[h] as number;
      if (((keyFlags[key] as number) & DRIVING) === 0) continue;
      const s = hitStart[h] as number;
      const e = hitEnd[h] as number;
      for (let r = roleFrom[key] as number, end = roleEnd[key] as number; r < end; r++) {
        const role = roleKind[r] as Role;
        if ((DRIVING & (1 << role)) === 0) continue;
        const latin = keyLatin[key] as number;
        if (latin !== 0 && !latinOk(text, latin, s, e)) continue;
        switch (role) {
          case Role.Term:
            pushCandidate(candidates, roleRef[r] as number, s, e, s, e, -1, -1, roleEvasion[r] as number);
            break;
          case Role.PartA:
            pairWith(roleRef[r] as number, s, e, roleEvasion[r] as number);
            break;
          case Role.IdLabel:
            (idLabelEnds ??= []).push(e);
            break;
          default:
            (linkHits ??= []).push(s, e, role);
        }
      }
    }

    /** The tenant's own links: an "open in the browser" instruction next to one of them is not external. */
    const ownLinks: [number, number][] = [];
    if (linkHits !== null) {
      const urlRule = validatorRule.get('url');
      const taoRule = validatorRule.get('tao_token');
      const seen = new Set<string>();
      for (let l = 0; l < linkHits.length; l += 3) {
        const s = linkHits[l] as number;
        const e = linkHits[l + 1] as number;
        const role = linkHits[l + 2] as Role;
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
        pushCandidate(candidates, rule, link.start, link.end, link.start, link.end, -1, -1, NO_KEY_EVASION);
      }
    }

    if (wantsDigits) {
      for (const d of findDigitMatchesAt(tables, text, hits.digitStarts, hits.digitStartCount)) {
        const rule = validatorRule.get(d.kind);
        if (rule === undefined) continue;
        if (d.kind !== 'ip_address' && idLabelEnds !== null && idLabelEnds.some((e) => e <= d.start && d.start - e <= IDENTIFIER_WINDOW && !crossesBreak(e, d.start))) continue;
        if (d.kind === 'ip_address' && isWhitelisted(d.value, whitelist)) continue;
        pushCandidate(candidates, rule, d.start, d.end, d.start, d.end, -1, -1, NO_KEY_EVASION);
      }
    }

    // Survivors stay rows (kept) until they are sorted and merged: a finding merged into another never becomes an
    // object of its own.
    kept.count = 0;
    const cd = candidates.data;
    for (let c = 0, end = candidates.count * CANDIDATE_FIELDS; c < end; c += CANDIDATE_FIELDS) {
      const ruleIndex = cd[c] as number;
      const start = cd[c + 1] as number;
      const stop = cd[c + 2] as number;
      const p1s = cd[c + 5] as number;
      if (isAllowed(ruleIndex, cd[c + 3] as number, cd[c + 4] as number)) continue;
      if (p1s >= 0 && isAllowed(ruleIndex, p1s, cd[c + 6] as number)) continue;
      if (ruleOwnLinks[ruleIndex] === 1 && ownLinks.some(([ls, le]) => le >= start - OWN_LINK_WINDOW && ls <= stop + OWN_LINK_WINDOW && !crossesBreak(Math.min(le, start), Math.max(ls, stop)))) continue;
      const unless = ruleUnless[ruleIndex] as number[];
      let suppressed = false;
      for (let u = 0; u < unless.length && !suppressed; u++) suppressed = contextNear(unless[u] as number, start, stop);
      if (suppressed) continue;
      let severity = ruleSeverity[ruleIndex] as number;
      const hints = ruleHint[ruleIndex] as number[];
      for (let u = 0; u < hints.length; u++) {
        if (contextNear(hints[u] as number, start, stop)) {
          severity = INFO;
          break;
        }
      }
      if (severity === INFO && !includeInfo) continue;
      pushKept(kept, ruleIndex, start, stop, severity, evasionsOf(text, cd[c + 3] as number, cd[c + 4] as number, p1s, cd[c + 6] as number, cd[c + 7] as number));
    }
    const findings = mergeKept(text, kept);
    text = ''; // the document is not kept alive until the next scan
    return findings;
  }

  /** Overlapping findings of one category become one: the most severe rule, spanning both, with both evasions. */
  function mergeKept(text: string, k: Kept): Finding[] {
    const count = k.count;
    if (count === 0) return [];
    const { rule: kRule, start: kStart, end: kEnd, severity: kSeverity, evasions: kEvasions } = k;
    // Ties (the same span from two rules) resolve by rule id, so the report does not depend on the order rules ran
    // in. The sort is stable, and rows already in order, as they mostly come, are not sorted.
    const order = k.order;
    order.length = count;
    let sorted = true;
    for (let i = 0; i < count; i++) {
      order[i] = i;
      if (i > 0 && sorted && bySpanThenRule(i - 1, i) > 0) sorted = false;
    }
    if (!sorted) sortRows(order, bySpanThenRule);
    // Merged rows are written over the row they merge into (the first of its run, so never one still to be read).
    let outCount = 0;
    const out = k.out;
    // The last row kept per category, as [category, slot] pairs: a document has findings in a few categories.
    const lastOf = k.lastOf;
    lastOf.length = 0;
    for (let i = 0; i < count; i++) {
      const f = order[i] as number;
      const category = ruleCategory[kRule[f] as number] as number;
      let slot = -1;
      for (let c = 0; c < lastOf.length; c += 2) {
        if (lastOf[c] === category) {
          slot = c;
          break;
        }
      }
      if (slot >= 0) {
        const prev = out[lastOf[slot + 1] as number] as number;
        if ((kStart[f] as number) < (kEnd[prev] as number)) {
          if ((kSeverity[f] as number) > (kSeverity[prev] as number)) {
            kRule[prev] = kRule[f] as number;
            kSeverity[prev] = kSeverity[f] as number;
          }
          kEvasions[prev] = unionOfEvasions(kEvasions[prev] as Evasion[], kEvasions[f] as Evasion[]);
          if ((kEnd[f] as number) > (kEnd[prev] as number)) kEnd[prev] = kEnd[f] as number;
          continue;
        }
        lastOf[slot + 1] = outCount;
      } else lastOf.push(category, outCount);
      out[outCount++] = f;
    }
    out.length = outCount;
    let spanSorted = true;
    for (let i = 1; i < outCount && spanSorted; i++) spanSorted = bySpan(out[i - 1] as number, out[i] as number) <= 0;
    if (!spanSorted) sortRows(out, bySpan);
    const findings: Finding[] = new Array(outCount);
    for (let i = 0; i < outCount; i++) {
      const f = out[i] as number;
      const rule = kRule[f] as number;
      const start = kStart[f] as number;
      const end = kEnd[f] as number;
      const finding: Finding = {
        category: ruleCategoryName[rule] as Category,
        severity: SEVERITIES[kSeverity[f] as number] as Severity,
        start,
        end,
        text: text.slice(start, end),
        rule: ruleIdOf[rule] as string,
        basis: ruleBasis[rule] as Finding['basis'],
        message: ruleMessage[rule] as Finding['message'],
        evasions: kEvasions[f] as Evasion[],
      };
      const suggestion = ruleSuggestion[rule];
      if (suggestion) finding.suggestion = suggestion;
      findings[i] = finding;
    }
    return findings;

    function bySpanThenRule(a: number, b: number): number {
      return (kStart[a] as number) - (kStart[b] as number) || (kEnd[b] as number) - (kEnd[a] as number) || (ruleRank[kRule[a] as number] as number) - (ruleRank[kRule[b] as number] as number);
    }
    function bySpan(a: number, b: number): number {
      return (kStart[a] as number) - (kStart[b] as number) || (kEnd[a] as number) - (kEnd[b] as number);
    }
  }

  /**
   * Evasions seen inside the matched parts [p0s, p0e) and [p1s, p1e) (p1s -1: one part; the text between a pair's
   * parts is not an evasion). keyEvasion: the matched key's evasion index, or NO_KEY_EVASION for numbers and links.
   */
  function evasionsOf(text: string, p0s: number, p0e: number, p1s: number, p1e: number, keyEvasion: number): Evasion[] {
    let bits = 0;
    let noiseInside = false;
    for (let part = 0; part < 2; part++) {
      const start = part === 0 ? p0s : p1s;
      const end = part === 0 ? p0e : p1e;
      if (start < 0) break;
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
    const isKey = keyEvasion !== NO_KEY_EVASION;
    const fromKey = isKey && keyEvasion > 0 ? (EVASIONS[keyEvasion] as Evasion) : null;
    if (bits === 0 && !noiseInside && fromKey === null) return ['none'];
    const out = new Set<Evasion>();
    if (fromKey !== null) out.add(fromKey);
    if (bits & EV_WIDTH) out.add('width');
    if (bits & EV_CASE && isKey) out.add('case');
    if (bits & EV_TRADITIONAL) out.add('traditional');
    if (bits & EV_ZERO_WIDTH) out.add('zero_width');
    if (bits & EV_NUMERAL) out.add('numeral');
    // Separators inside a term are an evasion; inside a number or a link they are its formatting.
    if (noiseInside && isKey) out.add('separator');
    return out.size === 0 ? ['none'] : [...out];
  }

  function noiseOnlyInvisible(text: string, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (charKind[text.charCodeAt(i)] !== KIND_INVISIBLE) return false;
    return true;
  }

  return {
    scan,
    stats: { patterns, states: matcher.stateCount, bytes: matcher.bytes, buildMs },
  };
}

const EVASION_INDEX = new Map<Evasion, number>(EVASIONS.map((e, i) => [e, i]));
/** A candidate's evasion slot for numbers and links (no key matched: case and separators are their formatting). */
const NO_KEY_EVASION = 255;
const ALLOW_FLAG = 1 << Role.Allow;

/**
 * Candidates of one scan as rows of numbers — rule, start, end, first part's start and end, second part's start and
 * end (-1 for one part), evasion index — so only those that survive the rules become objects.
 */
const CANDIDATE_FIELDS = 8;
interface Candidates {
  data: Int32Array;
  count: number;
}

function newCandidates(): Candidates {
  return { data: new Int32Array(CANDIDATE_FIELDS * 256), count: 0 };
}

function pushCandidate(c: Candidates, rule: number, start: number, end: number, p0s: number, p0e: number, p1s: number, p1e: number, evasion: number): void {
  let at = c.count * CANDIDATE_FIELDS;
  if (at === c.data.length) {
    const next = new Int32Array(c.data.length * 2);
    next.set(c.data);
    c.data = next;
  }
  const d = c.data;
  d[at++] = rule;
  d[at++] = start;
  d[at++] = end;
  d[at++] = p0s;
  d[at++] = p0e;
  d[at++] = p1s;
  d[at++] = p1e;
  d[at] = evasion;
  c.count++;
}

const SEVERITY_RANK: Record<Severity, number> = { block: 3, must_fix: 2, info: 1 };
const SEVERITIES: readonly (Severity | undefined)[] = [undefined, 'info', 'must_fix', 'block'];
const INFO = SEVERITY_RANK.info;

/**
 * The candidates that survive the rules, as rows (rule, span, severity rank, evasions) until they are merged; `order`,
 * `out` and `lastOf` are the merge's scratch lists. Reused from scan to scan.
 */
interface Kept {
  rule: Int32Array;
  start: Int32Array;
  end: Int32Array;
  severity: Uint8Array;
  evasions: Evasion[][];
  count: number;
  order: number[];
  out: number[];
  lastOf: number[];
}

function newKept(): Kept {
  const size = 256;
  return { rule: new Int32Array(size), start: new Int32Array(size), end: new Int32Array(size), severity: new Uint8Array(size), evasions: [], count: 0, order: [], out: [], lastOf: [] };
}

function pushKept(k: Kept, rule: number, start: number, end: number, severity: number, evasions: Evasion[]): void {
  const at = k.count;
  if (at === k.rule.length) {
    const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(a.length * 2);
      next.set(a);
      return next;
    };
    k.rule = grow(k.rule);
    k.start = grow(k.start);
    k.end = grow(k.end);
    k.severity = grow(k.severity);
  }
  k.rule[at] = rule;
  k.start[at] = start;
  k.end[at] = end;
  k.severity[at] = severity;
  k.evasions[at] = evasions;
  k.count = at + 1;
}

/** Both lists' evasions in order of first mention, 'none' only when it is all there is. */
function unionOfEvasions(a: readonly Evasion[], b: readonly Evasion[]): Evasion[] {
  const out: Evasion[] = [];
  for (const e of a) if (e !== 'none' && !out.includes(e)) out.push(e);
  for (const e of b) if (e !== 'none' && !out.includes(e)) out.push(e);
  return out.length === 0 ? ['none'] : out;
}

/**
 * Sorts row numbers stably. A document's rows are few and nearly in order (hits come in order of end, so only nested
 * and overlapping ones are out of place): an insertion sort moves just those, without the general sort's set-up.
 */
function sortRows(rows: number[], compare: (a: number, b: number) => number): void {
  if (rows.length > 64) {
    rows.sort(compare);
    return;
  }
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] as number;
    let j = i - 1;
    for (; j >= 0 && compare(rows[j] as number, row) > 0; j--) rows[j + 1] = rows[j] as number;
    rows[j + 1] = row;
  }
}
