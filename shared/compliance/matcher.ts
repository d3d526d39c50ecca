/**
 * Aho–Corasick over folded UTF-16 units, fused with normalization: the search reads the original text once, folds
 * each unit through the character tables, skips noise and invisible units, and reports every occurrence of every
 * key — overlapping and nested ones included (every state follows its dictionary-suffix link, which is what
 * mint-filter leaves out, compliance-rules.md §1.1). Offsets reported are those of the original text.
 *
 * Layout, for speed on 2-core machines: an alphabet of the units that occur in keys (others reset to the root),
 * a dense transition row for the root (most steps start there), and one open-addressing hash for all other edges.
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
  for (const key of keys) {
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (alpha[c] === 0) alpha[c] = alphaSize++;
    }
  }
  // Units that fold to an alphabet letter share its index (so the hot loop needs one lookup).
  const unitAlpha = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) unitAlpha[c] = kind[c] === KIND_LETTER ? (alpha[fold[c] ?? 0] ?? 0) : 0;

  // Trie in typed arrays: per state its depth, first key ending there, first child, next sibling and the alphabet
  // index of its incoming edge; edges from the root in a dense row, all others in one open-addressing hash.
  let totalUnits = 1;
  for (const key of keys) totalUnits += Math.min(key.length, MAX_KEY_LENGTH);
  const maxStates = totalUnits;
  const depth = new Int32Array(maxStates);
  const firstOut = new Int32Array(maxStates).fill(-1);
  const firstChild = new Int32Array(maxStates).fill(-1);
  const nextSibling = new Int32Array(maxStates).fill(-1);
  const inAlpha = new Int32Array(maxStates);
  const nextOut = new Int32Array(keys.length).fill(-1);
  const root = new Int32Array(alphaSize);
  let hashSize = 1024;
  while (hashSize < maxStates * 2) hashSize *= 2;
  const hashMask = hashSize - 1;
  const hashKeys = new Float64Array(hashSize).fill(-1);
  const hashVals = new Int32Array(hashSize);
  let stateCount = 1;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) continue;
    let s = 0;
    for (let i = 0; i < key.length; i++) {
      const a = alpha[key.charCodeAt(i)] as number;
      let t: number;
      if (s === 0) {
        t = root[a] as number;
        if (t === 0) {
          t = stateCount++;
          root[a] = t;
        } else {
          s = t;
          continue;
        }
      } else {
        const edge = s * alphaSize + a;
        let h = hashOf(edge) & hashMask;
        while (hashKeys[h] !== -1 && hashKeys[h] !== edge) h = (h + 1) & hashMask;
        if (hashKeys[h] === edge) {
          s = hashVals[h] as number;
          continue;
        }
        t = stateCount++;
        hashKeys[h] = edge;
        hashVals[h] = t;
      }
      depth[t] = i + 1;
      inAlpha[t] = a;
      nextSibling[t] = firstChild[s] as number;
      firstChild[s] = t;
      s = t;
    }
    nextOut[k] = firstOut[s] as number;
    firstOut[s] = k;
  }

  // Children in one compact array per state, sorted by letter (CSR): the hash above is for building only; at search
  // time a state's few children sit on one cache line instead of behind a random probe into a multi-megabyte table.
  const childStart = new Int32Array(stateCount + 1);
  for (let s = 0; s < stateCount; s++) {
    let count = 0;
    for (let t = firstChild[s] as number; t >= 0; t = nextSibling[t] as number) count++;
    childStart[s + 1] = (childStart[s] as number) + count;
  }
  const edgeCount = childStart[stateCount] as number;
  const childAlpha = new Int32Array(edgeCount);
  const childTarget = new Int32Array(edgeCount);
  for (let s = 0; s < stateCount; s++) {
    const from = childStart[s] as number;
    let k = from;
    for (let t = firstChild[s] as number; t >= 0; t = nextSibling[t] as number) {
      // Insertion sort by letter: most states have one to three children.
      let j = k++;
      const a = inAlpha[t] as number;
      while (j > from && (childAlpha[j - 1] as number) > a) {
        childAlpha[j] = childAlpha[j - 1] as number;
        childTarget[j] = childTarget[j - 1] as number;
        j--;
      }
      childAlpha[j] = a;
      childTarget[j] = t;
    }
  }
  function child(s: number, a: number): number {
    let lo = childStart[s] as number;
    let hi = childStart[s + 1] as number;
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) if (childAlpha[lo] === a) return childTarget[lo] as number;
      return -1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = childAlpha[mid] as number;
      if (v === a) return childTarget[mid] as number;
      if (v < a) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  // Letter pairs that occur in some key. Every state on a failure chain ends with the same letter (the one just
  // read), so when the pair (previous letter, this letter) is in no key, no state on the chain has this letter as a
  // child and the next state is simply the root's: one bit read instead of a walk down the chain. A hashed bit table
  // (false positives only cost the walk). A state one letter deep (most steps start from one) has only the root
  // after it on its chain, so for it the question is narrower — does some key *start* with the pair? — and those
  // pairs are entered a second time, under a marked previous letter.
  const pairs = new Int32Array(PAIR_WORDS);
  for (const key of keys) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) continue;
    let prev = alpha[key.charCodeAt(0)] as number;
    for (let i = 1; i < key.length; i++) {
      const a = alpha[key.charCodeAt(i)] as number;
      let h = pairHash(prev, a);
      pairs[h >>> 5] = (pairs[h >>> 5] as number) | (1 << (h & 31));
      if (i === 1) {
        h = pairHash(prev | FIRST_PAIR, a);
        pairs[h >>> 5] = (pairs[h >>> 5] as number) | (1 << (h & 31));
      }
      prev = a;
    }
  }

  // Failure and dictionary-suffix links, breadth first.
  const fail = new Int32Array(stateCount);
  const dict = new Int32Array(stateCount); // nearest proper suffix state with output, 0 = none
  const hasOut = new Uint8Array(stateCount);
  const queue = new Int32Array(stateCount);
  let head = 0;
  let tail = 0;
  for (let t = firstChild[0] as number; t >= 0; t = nextSibling[t] as number) queue[tail++] = t;
  while (head < tail) {
    const s = queue[head++] as number;
    const f = fail[s] as number;
    dict[s] = (firstOut[f] as number) >= 0 ? f : (dict[f] as number);
    hasOut[s] = (firstOut[s] as number) >= 0 || (dict[s] as number) > 0 ? 1 : 0;
    for (let t = firstChild[s] as number; t >= 0; t = nextSibling[t] as number) {
      const a = inAlpha[t] as number;
      let g = f;
      let target: number;
      for (;;) {
        target = g === 0 ? (root[a] as number) : child(g, a);
        if (target > 0 || g === 0) break;
        g = fail[g] as number;
      }
      fail[t] = target > 0 && target !== t ? target : 0;
      queue[tail++] = t;
    }
  }

  // Search-time layout. States are renumbered breadth first, so the shallow states most steps land on share a few
  // cache lines, and every reference to a state (root row, edge target, failure link) is encoded as id << 1 | has
  // output: a step learns whether to report without reading the state at all. Per state, [first edge, end of edges,
  // failure, depth] sit on one line; each edge is a (letter, target) pair, sorted by letter.
  const renumber = new Int32Array(stateCount);
  for (let i = 0; i < tail; i++) renumber[queue[i] as number] = i + 1;
  const enc = (old: number): number => (old === 0 ? 0 : ((renumber[old] as number) << 1) | (hasOut[old] as number));
  const states = new Int32Array(stateCount * 4);
  // States with many children (the shallow ones of common characters) get an open-addressing table instead of a sorted
  // run: a binary search there costs a mispredicted branch per level on most steps.
  let edgeSlots = 0;
  for (let st = 0; st < stateCount; st++) {
    const count = (childStart[st + 1] as number) - (childStart[st] as number);
    edgeSlots += count > LINEAR_CHILDREN ? tableSize(count) : count;
  }
  const edges = new Int32Array(edgeSlots * 2);
  const outs = new Int32Array(stateCount).fill(-1);
  const dictLinks = new Int32Array(stateCount);
  let e = 0;
  for (let n = 0; n < stateCount; n++) {
    const old = n === 0 ? 0 : (queue[n - 1] as number);
    const from = childStart[old] as number;
    const to = childStart[old + 1] as number;
    if (to - from === 1) {
      // A single child (most deep states) sits in the state's own record: no second cache line to read.
      states[n * 4] = childAlpha[from] as number;
      states[n * 4 + 1] = enc(childTarget[from] as number);
    } else if (to - from <= LINEAR_CHILDREN && to > from) {
      states[n * 4] = -e - 1;
      for (let c = from; c < to; c++) {
        edges[e++] = childAlpha[c] as number;
        edges[e++] = enc(childTarget[c] as number);
      }
      states[n * 4 + 1] = e;
    } else if (to > from) {
      const size = tableSize(to - from);
      states[n * 4] = -e - 1;
      states[n * 4 + 1] = -size;
      for (let c = from; c < to; c++) {
        const a = childAlpha[c] as number;
        let slot = slotOf(a, size - 1);
        while (edges[e + slot * 2] !== 0) slot = (slot + 1) & (size - 1);
        edges[e + slot * 2] = a;
        edges[e + slot * 2 + 1] = enc(childTarget[c] as number);
      }
      e += size * 2;
    }
    states[n * 4 + 2] = enc(fail[old] as number);
    states[n * 4 + 3] = depth[old] as number;
    outs[n] = firstOut[old] as number;
    dictLinks[n] = renumber[dict[old] as number] as number;
  }
  const rootRow = new Int32Array(alphaSize);
  for (let a = 1; a < alphaSize; a++) rootRow[a] = enc(root[a] as number);
  let lastShallow = 0;
  for (let a = 1; a < alphaSize; a++) lastShallow = Math.max(lastShallow, rootRow[a] as number);
  const compiled: Compiled = { unitAlpha, kind, digit, lastDigitLetter, root: rootRow, pairs, lastShallow, states, edges, outs, nextOut, dict: dictLinks, ring: new Int32Array(RING_MASK + 1) };

  const bytes =
    unitAlpha.byteLength + rootRow.byteLength + pairs.byteLength + states.byteLength + edges.byteLength + dictLinks.byteLength +
    outs.byteLength + nextOut.byteLength;
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

  return { keyCount: keys.length, stateCount, bytes, search, collect };
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
   * Per state: its only child's letter and encoded target; or, with up to LINEAR_CHILDREN, -(first edge) - 1 and the end
   * of its edges (indices into `edges`); or, with more, -(first slot) - 1 and -(table size) (a hash table of (letter,
   * target) slots in `edges`, letter 0 = empty); or 0, 0 with none. Then the encoded failure state and the depth.
   */
  states: Int32Array;
  /** Per edge: letter, encoded target state. */
  edges: Int32Array;
  outs: Int32Array;
  nextOut: Int32Array;
  /** Per state, the nearest proper suffix state with output (plain id, 0 = none). */
  dict: Int32Array;
  ring: Int32Array;
}

/**
 * The hot loop, as a plain function over locals: every table is read through a local binding (not a closure's
 * context), a state's children are searched inline and hits go straight into the buffer's typed arrays.
 */
function collectCompiled(m: Compiled, text: string, out: HitBuffer): void {
  const { unitAlpha, kind, digit, lastDigitLetter, root, pairs, states, edges, outs, nextOut, dict, ring, lastShallow } = m;
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
          const base = (s >>> 1) << 2;
          const first = states[base] as number;
          let t = -1;
          if (first === a) t = states[base + 1] as number;
          else if (first < 0) {
            const lo = -first - 1;
            const hi = states[base + 1] as number;
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
          s = states[base + 2] as number;
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
        const start = ring[(count - (states[(o << 2) + 3] as number) + 1) & RING_MASK] as number;
        for (let key = outs[o] as number; key >= 0; key = nextOut[key] as number) {
          if (hitCount === hitKeys.length) {
            out.count = hitCount;
            growHits(out);
            hitKeys = out.keys;
            hitStarts = out.starts;
            hitEnds = out.ends;
          }
          hitKeys[hitCount] = key;
          hitStarts[hitCount] = start;
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

function hashOf(x: number): number {
  // Edges fit in 2^53; mix the high and low halves.
  const lo = x >>> 0;
  const hi = (x / 4294967296) >>> 0;
  return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> 7;
}
