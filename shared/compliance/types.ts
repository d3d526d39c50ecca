/**
 * The compliance engine's public types. The engine runs in the renderer (live highlighting) and in the host (batch
 * scans, the publish gate, the command line); its rule data lives in resources/compliance as versioned JSON.
 */

/** Stable category ids (compliance-rules.md): used in findings, reports and the command-line output. */
export const CATEGORIES = [
  'induce_share',
  'induce_follow',
  'ad_absolute',
  'edu_guarantee',
  'finance',
  'medical',
  'personal_data',
  'external_link',
  'politics',
  'porn',
  'gambling',
  'drugs',
  'fraud',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * block: cannot be published; must_fix: cannot be published until fixed or acknowledged with a reason;
 * info: a hint (a scoped factual superlative that needs evidence, a plain share prompt on campaign material) — never a
 * finding for scoring or for the gate.
 */
export const SEVERITIES = ['block', 'must_fix', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Why a rule exists: a law and article, or a platform rule and section (compliance-rules.md §3). */
export interface Basis {
  /** Short citation, e.g. "《广告法》第九条第三项". */
  zh: string;
  en: string;
}

/** How the matched text differed from the plain form of the term (for reports and the dev-set scores). */
export const EVASIONS = [
  'none',
  'width',
  'case',
  'traditional',
  'zero_width',
  'separator',
  'pinyin',
  'initials',
  'homophone',
  'numeral',
] as const;
export type Evasion = (typeof EVASIONS)[number];

export interface Finding {
  category: Category;
  severity: Severity;
  /** UTF-16 offsets into the original text (end exclusive); the span covers any obfuscation in the original. */
  start: number;
  end: number;
  /** text.slice(start, end) of the original. */
  text: string;
  /** Rule id from the rule data, e.g. "share.reward"; custom terms use "custom:<list id>". */
  rule: string;
  basis: Basis;
  /** Why it fired, in both languages. */
  message: { zh: string; en: string };
  /** A suggested rewrite of the span where one exists (replace text with it). */
  suggestion?: { zh: string; en: string };
  /** Evasion kinds seen in the matched span ('none' when it was written plainly). */
  evasions: Evasion[];
}

/** A team's own term: flagged (custom) or explicitly allowed (allow). */
export interface CustomTerm {
  term: string;
  category: Category;
}

export interface ScannerOptions {
  /** Hosts the tenant publishes to; matched exactly or by dot-suffix ("example.com" allows "a.example.com"). */
  whitelist?: readonly string[];
  /** Extra flagged terms (a team's list or an imported lexicon). */
  customTerms?: readonly CustomTerm[];
  /** Terms that never fire (a team's allow list), e.g. a brand name that contains a flagged word. */
  allowTerms?: readonly string[];
  /** Include info-level hints (default true). */
  includeInfo?: boolean;
}

export interface Scanner {
  /** All findings in text, sorted by start. Never throws on any string input. */
  scan(text: string): Finding[];
  /** Figures about the compiled matcher (patterns, states, approximate bytes). */
  readonly stats: { patterns: number; states: number; bytes: number; buildMs: number };
}
