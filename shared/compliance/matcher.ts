/**
 * Aho–Corasick over folded UTF-16 units, fused with normalization: the search reads the original text once, folds
 * each unit through the character tables, skips noise and invisible units, and reports every occurrence of every
 * key — overlapping and nested ones included (every state follows its dictionary-suffix link, which is what
 * mint-filter leaves out, compliance-rules.md §1.1). Offsets reported are those of the original text.
 *
 * The same pass notes sentence breaks and where digit runs start, so nothing else reads the whole text again.
 *
 * Layout, for speed on 2-core machines: an alphabet of the units that occur in keys (digits first; others reset to
 * the root), a dense transition row for the root (most steps start there), states numbered breadth first with every
 * reference to one carrying its has-output bit, a state's only child inline in its record (a few: a short run; many:
 * a small hash table), and a bit filter of the letter pairs keys contain, so most steps never walk a failure chain.
 * The trie is built breadth first by bucketing the keys on their next letter: no hashing, no sorting, failure links in
 * the same pass.
 */
import { type CharTables, KIND_BREAK, KIND_INVISIBLE, KIND_LETTER } from './chars';

// Copies of the kinds as module constants: the hot loop reads them per character, and some module loaders (tsx's
// CommonJS interop) turn every read of an imported binding into a getter call.
const LETTER: number = KIND_LETTER;
const INVISIBLE: number = KIND_INVISIBLE;
const BREAK: number = KIND_BREAK;

/** Longest key, in folded letters: a ring of original offsets this long maps a match back to its start. */
export const MAX_KEY_LENGTH = 64;
const RING_MASK = 63;

/** Reusable, growable storage for one search's hits (in order of end) and sentence breaks: no allocation per scan. */
export interface HitBuffer {
  keys: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
  breaks: Int32Array;
  breakCount: number;
  /** Offsets of digits (tables.digit) that follow something other than a digit: where digit runs may start. */
  digitStarts: Int32Array;
  digitStartCount: number;
}

export function newHitBuffer(): HitBuffer {
  return {
    keys: new Int32Array(1024),
    starts: new Int32Array(1024),
    ends: new Int32Array(1024),
    count: 0,
    breaks: new Int32Array(256),
    breakCount: 0,
    digitStarts: new Int32Array(256),
    digitStartCount: 0,
  };
}

function growHits(b: HitBuffer): void {
  const size = b.keys.length * 2;
  const grow = (a: Int32Array) => {
    const next = new Int32Array(size);
    next.set(a);
    return next;
  };
  b.keys = grow(b.keys);
  b.starts = grow(b.starts);
  b.ends = grow(b.ends);
}

function growBreaks(b: HitBuffer): void {
  const next = new Int32Array(b.breaks.length * 2);
  next.set(b.breaks);
  b.breaks = next;
}

function grownInts(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}

export interface CompiledMatcher {
  readonly keyCount: number;
  /**
   * Per key, the key reported for it: the first key with the same letters (so keys may repeat, one per meaning, and
   * hits name the first), or -1 for a key left out (empty, or longer than MAX_KEY_LENGTH).
   */
  readonly canonical: Int32Array;
  readonly stateCount: number;
  readonly bytes: number;
  /**
   * Calls onHit(key, start, end) for every occurrence (end exclusive, original UTF-16 offsets), in order of end.
   * onBreak(offset) is called for every sentence break (no key spans one).
   */
  search(text: string, onHit: (key: number, start: number, end: number) => void, onBreak?: (offset: number) => void): void;
  /** The same search, writing every hit, break and digit-run start into `out` (reset first). */
  collect(text: string, out: HitBuffer): void;
}

export function compileMatcher(tables: CharTables, keys: readonly string[]): CompiledMatcher {
  const { fold, kind, digit } = tables;
  // Alphabet: index 0 means "in no key". Digits in every dress come first, whether or not a key has them, so that the
  // search notices them with one comparison and the digit reader need not read the text again.
  const alpha = new Uint16Array(65536);
  let alphaSize = 1;
  for (let c = 0; c < 65536; c++) {
    if ((digit[c] as number) < 0 || kind[c] !== KIND_LETTER) continue;
    const f = fold[c] as number;
    if (alpha[f] === 0) alpha[f] = alphaSize++;
  }
  const lastDigitLetter = alphaSize - 1;
  // Every key's letters, as alphabet indices, in one array, each key followed by -(its index + 1); the trie is built
  // from offsets into it. Keys that are empty or too long are left out.
  let totalUnits = 0;
  let keyCount = 0;
  for (let k = 0; k < keys.length; k++) {
    const length = (keys[k] as string).length;
    if (length === 0 || length > MAX_KEY_LENGTH) continue;
    totalUnits += length;
    keyCount++;
  }
  const letters = new Int32Array(totalUnits + keyCount);
  const perm = new Int32Array(keyCount);
  let written = 0;
  keyCount = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) continue;
    perm[keyCount++] = written;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (alpha[c] === 0) alpha[c] = alphaSize++;
      letters[written++] = alpha[c] as number;
    }
    letters[written++] = -k - 1;
  }
  // Units that fold to an alphabet letter share its index (so the hot loop needs one lookup).
  const unitAlpha = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) unitAlpha[c] = kind[c] === KIND_LETTER ? (alpha[fold[c] as number] as number) : 0;

  // The trie, built breadth first by bucketing: a state owns the run perm[rangeFrom … rangeTo) of the keys (their offsets in
  // `letters`) that share its prefix; the keys ending there become its outputs and the rest are grouped by their next letter into its
  // children, which take the next free ids. So states are numbered breadth first (the shallow states most steps land
  // on share a few cache lines), a state's children have consecutive ids, and no hashing of (state, letter) is needed.
  // Each state's failure and dictionary links are set when its turn comes: everything they read is shallower.
  const maxStates = totalUnits + 1;
  const rangeFrom = new Int32Array(maxStates);
  const rangeTo = new Int32Array(maxStates);
  const parent = new Int32Array(maxStates);
  const inAlpha = new Int32Array(maxStates);
  const firstOut = new Int32Array(maxStates).fill(-1);
  const fail = new Int32Array(maxStates);
  const dict = new Int32Array(maxStates); // nearest proper suffix state with output, 0 = none
  const hasOut = new Uint8Array(maxStates);
  const keyState = new Int32Array(keys.length).fill(-1);
  const states = new Int32Array(maxStates * 4);
  let edges: Int32Array = new Int32Array(Math.max(64, totalUnits));
  let edgeEnd = 0;
  const root = new Int32Array(alphaSize);
  const pairs = new Int32Array(PAIR_WORDS);
  const scratch = new Int32Array(keyCount);
  const next = new Int32Array(keyCount);
  const letterCount = new Int32Array(alphaSize);
  const touched = new Int32Array(alphaSize);
  rangeTo[0] = keyCount;
  let stateCount = 1;

  /** The child of state g (not the root) on letter a, or -1: the same lookup the search does, on plain ids. */
  const childOf = (g: number, a: number): number => {
    const base = g * 4;
    const first = states[base] as number;
    if (first === a) return states[base + 1] as number;
    if (first >= 0) return -1;
    const lo = -first - 1;
    const hi = states[base + 1] as number;
    if (hi >= 0) {
      for (let x = lo; x < hi; x += 2) if (edges[x] === a) return edges[x + 1] as number;
      return -1;
    }
    const mask = -hi - 1;
    for (let slot = slotOf(a, mask); ; slot = (slot + 1) & mask) {
      const v = edges[lo + slot * 2] as number;
      if (v === a) return edges[lo + slot * 2 + 1] as number;
      if (v === 0) return -1;
    }
  };

  for (let s = 0; s < stateCount; s++) {
    const depth = s === 0 ? 0 : (states[s * 4 + 3] as number);
    if (s > 0) {
      // Failure link: the longest proper suffix that is a state, found from the parent's.
      const a = inAlpha[s] as number;
      let f = 0;
      if (parent[s] !== 0) {
        for (let g = fail[parent[s] as number] as number; ; g = fail[g] as number) {
          if (g === 0) {
            f = root[a] as number;
            break;
          }
          const t = childOf(g, a);
          if (t >= 0) {
            f = t;
            break;
          }
        }
      }
      fail[s] = f;
      dict[s] = (firstOut[f] as number) >= 0 ? f : (dict[f] as number);
    }
    const from = rangeFrom[s] as number;
    const to = rangeTo[s] as number;
    if (to - from === 1 && s > 0) {
      // One key left below this state (most deep states: the rest of a key nothing else shares): it ends here, or
      // its next letter is the only child.
      const v = letters[(perm[from] as number) + depth] as number;
      if (v < 0) {
        firstOut[s] = -v - 1;
        keyState[-v - 1] = s;
        hasOut[s] = 1;
        continue;
      }
      hasOut[s] = (dict[s] as number) > 0 ? 1 : 0;
      const t = stateCount++;
      parent[t] = s;
      inAlpha[t] = v;
      rangeFrom[t] = from;
      rangeTo[t] = to;
      states[t * 4 + 3] = depth + 1;
      states[s * 4] = v;
      states[s * 4 + 1] = t;
      let h = pairHash(inAlpha[s] as number, v);
      pairs[h >>> 5] = (pairs[h >>> 5] as number) | (1 << (h & 31));
      if (depth === 1) {
        h = pairHash((inAlpha[s] as number) | FIRST_PAIR, v);
        pairs[h >>> 5] = (pairs[h >>> 5] as number) | (1 << (h & 31));
      }
      continue;
    }
    // Keys ending here become outputs; the others move behind them, their next letter noted in `next` (read once).
    let rest = from;
    for (let r = from; r < to; r++) {
      const offset = perm[r] as number;
      const v = letters[offset + depth] as number;
      if (v >= 0) {
        next[r] = v;
        continue;
      }
      perm[r] = perm[rest] as number;
      next[r] = next[rest] as number;
      perm[rest++] = offset;
      // Keys with the same letters end in the same state: the first of them is reported.
      const k = -v - 1;
      keyState[k] = s;
      const first = firstOut[s] as number;
      if (first < 0 || k < first) firstOut[s] = k;
    }
    if (s > 0) hasOut[s] = (firstOut[s] as number) >= 0 || (dict[s] as number) > 0 ? 1 : 0;
    if (rest === to) continue;
    // Group the rest by their next letter (a counting sort over the letters present).
    let kinds = 0;
    for (let r = rest; r < to; r++) {
      const a = next[r] as number;
      const seen = letterCount[a] as number;
      if (seen === 0) touched[kinds++] = a;
      letterCount[a] = seen + 1;
    }
    const firstChild = stateCount;
    if (kinds === 1) {
      const a = touched[0] as number;
      letterCount[a] = 0;
      const t = stateCount++;
      parent[t] = s;
      inAlpha[t] = a;
      rangeFrom[t] = rest;
      rangeTo[t] = to;
      states[t * 4 + 3] = depth + 1;
    } else {
      let at = rest;
      for (let i = 0; i < kinds; i++) {
        const a = touched[i] as number;
        const count = letterCount[a] as number;
        letterCount[a] = at; // from now on: where the next key with this letter goes
        const t = stateCount++;
        parent[t] = s;
        inAlpha[t] = a;
        rangeFrom[t] = at;
        rangeTo[t] = at + count;
        states[t * 4 + 3] = depth + 1;
        at += count;
      }
      for (let r = rest; r < to; r++) {
        const a = next[r] as number;
        const slot = letterCount[a] as number;
        scratch[slot] = perm[r] as number;
        letterCount[a] = slot + 1;
      }
      for (let r = rest; r < to; r++) perm[r] = scratch[r] as number;
      for (let i = 0; i < kinds; i++) letterCount[touched[i] as number] = 0;
    }
    // The state's record: its only child inline, a short run of (letter, child) pairs, or a hash table of them.
    const base = s * 4;
    if (s === 0) {
      for (let t = firstChild; t < stateCount; t++) root[inAlpha[t] as number] = t;
    } else if (kinds === 1) {
      states[base] = inAlpha[firstChild] as number;
      states[base + 1] = firstChild;
    } else if (kinds <= LINEAR_CHILDREN) {
      if (edgeEnd + kinds * 2 > edges.length) edges = grownEdges(edges, edgeEnd + kinds * 2);
      states[base] = -edgeEnd - 1;
      for (let t = firstChild; t < stateCount; t++) {
        edges[edgeEnd++] = inAlpha[t] as number;
        edges[edgeEnd++] = t;
      }
      states[base + 1] = edgeEnd;
    } else {
      const size = tableSize(kinds);
      if (edgeEnd + size * 2 > edges.length) edges = grownEdges(edges, edgeEnd + size * 2);
      states[base] = -edgeEnd - 1;
      states[base + 1] = -size;
      for (let t = firstChild; t < stateCount; t++) {
        const a = inAlpha[t] as number;
        let slot = slotOf(a, size - 1);
        while (edges[edgeEnd + slot * 2] !== 0) slot = (slot + 1) & (size - 1);
        edges[edgeEnd + slot * 2] = a;
        edges[edgeEnd + slot * 2 + 1] = t;
      }
      edgeEnd += size * 2;
    }
    // Letter pairs that occur in some key are exactly the edges below the root (see `pairs` in the search).
    if (s > 0) {
      const prev = inAlpha[s] as number;
      for (let t = firstChild; t < stateCount; t++) {
        const a = inAlpha[t] as number;
        let h = pairHash(prev, a);
        pairs[h >>> 5] = (pairs[h >>> 5] as number) | (1 << (h & 31));
        if (depth === 1) {
          h = pairHash(prev | FIRST_PAIR, a);
          pairs[h >>> 5] = (pairs[h >>> 5] as number) | (1 << (h & 31));
        }
      }
    }
  }

  // Every reference to a state (root row, edge target, failure link) becomes id << 1 | has output: a step learns
  // whether to report without reading the state at all.
  const enc = (t: number): number => (t === 0 ? 0 : (t << 1) | (hasOut[t] as number));
  for (let s = 1; s < stateCount; s++) {
    const base = s * 4;
    if ((states[base] as number) > 0) states[base + 1] = enc(states[base + 1] as number);
    states[base + 2] = enc(fail[s] as number);
  }
  for (let x = 1; x < edgeEnd; x += 2) edges[x] = enc(edges[x] as number);
  const rootRow = root;
  let lastShallow = 0;
  for (let a = 1; a < alphaSize; a++) {
    rootRow[a] = enc(root[a] as number);
    lastShallow = Math.max(lastShallow, rootRow[a] as number);
  }
  const compiled: Compiled = {
    unitAlpha,
    kind,
    digit,
    lastDigitLetter,
    root: rootRow,
    pairs,
    lastShallow,
    ...splitRecords(states, stateCount),
    edges: edges.slice(0, edgeEnd),
    outs: firstOut.slice(0, stateCount),
    dict: dict.slice(0, stateCount),
    ring: new Int32Array(RING_MASK + 1),
  };

  const bytes =
    unitAlpha.byteLength + rootRow.byteLength + pairs.byteLength + compiled.links.byteLength + compiled.meta.byteLength + compiled.edges.byteLength +
    compiled.dict.byteLength + compiled.outs.byteLength;
  const own = newHitBuffer();
  function search(text: string, onHit: (key: number, start: number, end: number) => void, onBreak?: (offset: number) => void): void {
    collectCompiled(compiled, text, own);
    // Hits and breaks in text order, breaks first at the same offset (no hit ends at a break).
    let b = 0;
    for (let h = 0; h < own.count; h++) {
      const end = own.ends[h] as number;
      for (; onBreak && b < own.breakCount && (own.breaks[b] as number) < end; b++) onBreak(own.breaks[b] as number);
      onHit(own.keys[h] as number, own.starts[h] as number, end);
    }
    for (; onBreak && b < own.breakCount; b++) onBreak(own.breaks[b] as number);
  }
  const collect = (text: string, out: HitBuffer): void => collectCompiled(compiled, text, out);

  const canonical = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const st = keyState[k] as number;
    canonical[k] = st < 0 ? -1 : (firstOut[st] as number);
  }
  return { keyCount: keys.length, canonical, stateCount, bytes, search, collect };
}

interface Compiled {
  unitAlpha: Uint16Array;
  kind: Uint8Array;
  digit: Int8Array;
  /** Letters 1 … lastDigitLetter are the folded forms of digits (a few non-digits share them: 参 with 參). */
  lastDigitLetter: number;
  /** Per letter, the encoded state the root goes to (0: none). */
  root: Int32Array;
  pairs: Int32Array;
  /** The largest encoded state one letter deep (breadth-first order puts them all first). */
  lastShallow: number;
  /**
   * Per state, what every step from it reads: its only child's letter and encoded target; or, with up to
   * LINEAR_CHILDREN, -(first edge) - 1 and the end of its edges (indices into `edges`); or, with more, -(first slot) - 1
   * and -(table size) (a hash table of (letter, target) slots in `edges`, letter 0 = empty); or 0, 0 with none.
   */
  links: Int32Array;
  /** Per state, what only a failed step or a hit reads: the encoded failure state and the depth. */
  meta: Int32Array;
  /** Per edge: letter, encoded target state. */
  edges: Int32Array;
  outs: Int32Array;
  /** Per state, the nearest proper suffix state with output (plain id, 0 = none). */
  dict: Int32Array;
  ring: Int32Array;
}

/**
 * The hot loop, as a plain function over locals: every table is read through a local binding (not a closure's
 * context), a state's children are searched inline and hits go straight into the buffer's typed arrays.
 */
function collectCompiled(m: Compiled, text: string, out: HitBuffer): void {
  const { unitAlpha, kind, digit, lastDigitLetter, root, pairs, links, meta, edges, outs, dict, ring, lastShallow } = m;
  let hitKeys = out.keys;
  let hitStarts = out.starts;
  let hitEnds = out.ends;
  let hitCount = 0;
  let breaks = out.breaks;
  let breakCount = 0;
  let digitStarts = out.digitStarts;
  let digitStartCount = 0;
  let lastDigit = -2;
  let s = 0;
  let count = 0;
  let prev = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const a = unitAlpha[c] as number;
    if (a === 0) {
      const k = kind[c] as number;
      if (k === LETTER) {
        s = 0;
        continue;
      }
      if (k === INVISIBLE) continue;
      if (c >= 0xd83c && c <= 0xd83e) i++; // an emoji's low surrogate goes with it
      if (k === BREAK) {
        s = 0;
        if (breakCount === breaks.length) {
          out.breakCount = breakCount;
          growBreaks(out);
          breaks = out.breaks;
        }
        breaks[breakCount++] = i;
      }
      continue;
    }
    ring[++count & RING_MASK] = i;
    if (a <= lastDigitLetter && (digit[c] as number) >= 0) {
      if (i !== lastDigit + 1) {
        if (digitStartCount === digitStarts.length) digitStarts = out.digitStarts = grownInts(digitStarts);
        digitStarts[digitStartCount++] = i;
      }
      lastDigit = i;
    }
    if (s !== 0) {
      const h = pairHash(s <= lastShallow ? prev | FIRST_PAIR : prev, a);
      if (((pairs[h >>> 5] as number) & (1 << (h & 31))) !== 0) {
        // Walk the failure chain until a state has `a` as a child.
        for (;;) {
          const base = (s >>> 1) << 1;
          const first = links[base] as number;
          let t = -1;
          if (first === a) t = links[base + 1] as number;
          else if (first < 0) {
            const lo = -first - 1;
            const hi = links[base + 1] as number;
            if (hi >= 0) {
              for (let x = lo; x < hi; x += 2) {
                if (edges[x] === a) {
                  t = edges[x + 1] as number;
                  break;
                }
              }
            } else {
              const mask = -hi - 1;
              let slot = slotOf(a, mask);
              for (;;) {
                const v = edges[lo + slot * 2] as number;
                if (v === a) {
                  t = edges[lo + slot * 2 + 1] as number;
                  break;
                }
                if (v === 0) break;
                slot = (slot + 1) & mask;
              }
            }
          }
          if (t >= 0) {
            s = t;
            break;
          }
          s = meta[base] as number;
          if (s === 0) {
            s = root[a] as number;
            break;
          }
        }
      } else s = root[a] as number;
    } else s = root[a] as number;
    prev = a;
    if ((s & 1) !== 0) {
      let o = s >>> 1;
      while (o > 0) {
        const key = outs[o] as number;
        if (key >= 0) {
          if (hitCount === hitKeys.length) {
            out.count = hitCount;
            growHits(out);
            hitKeys = out.keys;
            hitStarts = out.starts;
            hitEnds = out.ends;
          }
          hitKeys[hitCount] = key;
          hitStarts[hitCount] = ring[(count - (meta[(o << 1) + 1] as number) + 1) & RING_MASK] as number;
          hitEnds[hitCount++] = i + 1;
        }
        o = dict[o] as number;
      }
    }
  }
  out.count = hitCount;
  out.breakCount = breakCount;
  out.digitStartCount = digitStartCount;
}

/** Children up to this many are searched in a run; more go into a hash table. */
const LINEAR_CHILDREN = 8;

/** Slots of a state's child table: a power of two, at most half full. */
function tableSize(children: number): number {
  let size = 16;
  while (size < children * 2) size *= 2;
  return size;
}

/** The build's four-number state records as the search's two arrays of two (see Compiled.links and .meta). */
function splitRecords(states: Int32Array, stateCount: number): { links: Int32Array; meta: Int32Array } {
  const links = new Int32Array(stateCount * 2);
  const meta = new Int32Array(stateCount * 2);
  for (let s = 0; s < stateCount; s++) {
    links[s * 2] = states[s * 4] as number;
    links[s * 2 + 1] = states[s * 4 + 1] as number;
    meta[s * 2] = states[s * 4 + 2] as number;
    meta[s * 2 + 1] = states[s * 4 + 3] as number;
  }
  return { links, meta };
}

function grownEdges(edges: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  let size = edges.length * 2;
  while (size < atLeast) size *= 2;
  const next = new Int32Array(size);
  next.set(edges);
  return next;
}

function slotOf(a: number, mask: number): number {
  return (Math.imul(a, 0x9e3779b1) >>> 12) & mask;
}

/** 2^22 bits (512 KB): about one in ten unrelated pairs collides with the ~300 k pairs of a 20 k-term lexicon. */
const PAIR_BITS = 22;
const PAIR_WORDS = 1 << (PAIR_BITS - 5);
/** Marks the previous letter of a pair that starts a key (letters are below 2^16). */
const FIRST_PAIR = 1 << 16;

function pairHash(prev: number, a: number): number {
  return (Math.imul(prev, 0x9e3779b1) ^ Math.imul(a, 0x85ebca6b)) >>> (32 - PAIR_BITS);
}
