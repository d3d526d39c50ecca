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

/** Longest key, in folded letters: a ring of original offsets this long maps a match back to its start. */
export const MAX_KEY_LENGTH = 64;
const RING_MASK = 63;

export interface CompiledMatcher {
  readonly keyCount: number;
  readonly stateCount: number;
  readonly bytes: number;
  /**
   * Calls onHit(key, start, end) for every occurrence (end exclusive, original UTF-16 offsets), in order of end.
   * onBreak(offset) is called for every sentence break (no key spans one).
   */
  search(text: string, onHit: (key: number, start: number, end: number) => void, onBreak?: (offset: number) => void): void;
}

export function compileMatcher(tables: CharTables, keys: readonly string[]): CompiledMatcher {
  const { fold, kind } = tables;
  // Alphabet: index 0 means "in no key".
  const alpha = new Uint16Array(65536);
  let alphaSize = 1;
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
  function next(s: number, a: number): number {
    const edge = s * alphaSize + a;
    let h = hashOf(edge) & hashMask;
    for (;;) {
      const k = hashKeys[h];
      if (k === edge) return hashVals[h] as number;
      if (k === -1) return -1;
      h = (h + 1) & hashMask;
    }
  }
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
        target = g === 0 ? (root[a] as number) : next(g, a);
        if (target > 0 || g === 0) break;
        g = fail[g] as number;
      }
      fail[t] = target > 0 && target !== t ? target : 0;
      queue[tail++] = t;
    }
  }
  const outs = firstOut.subarray(0, stateCount);
  const depths = depth.subarray(0, stateCount);
  const ring = new Int32Array(RING_MASK + 1);

  function search(text: string, onHit: (key: number, start: number, end: number) => void, onBreak?: (offset: number) => void): void {
    let s = 0;
    let m = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const a = unitAlpha[c] as number;
      if (a === 0) {
        const k = kind[c] as number;
        if (k === KIND_LETTER) {
          s = 0;
          continue;
        }
        if (k === KIND_INVISIBLE) continue;
        if (c >= 0xd83c && c <= 0xd83e) i++; // an emoji's low surrogate goes with it
        if (k === KIND_BREAK) {
          s = 0;
          if (onBreak) onBreak(i);
        }
        continue;
      }
      ring[++m & RING_MASK] = i;
      for (;;) {
        if (s === 0) {
          s = root[a] as number;
          break;
        }
        const t = next(s, a);
        if (t >= 0) {
          s = t;
          break;
        }
        s = fail[s] as number;
      }
      if (hasOut[s] === 1) {
        let o = s;
        while (o > 0) {
          const start = ring[(m - (depths[o] as number) + 1) & RING_MASK] as number;
          for (let key = outs[o] as number; key >= 0; key = nextOut[key] as number) onHit(key, start, i + 1);
          o = dict[o] as number;
        }
      }
    }
  }

  const bytes =
    alpha.byteLength + unitAlpha.byteLength + root.byteLength + hashKeys.byteLength + hashVals.byteLength +
    fail.byteLength + dict.byteLength + hasOut.byteLength + outs.byteLength + depths.byteLength + nextOut.byteLength;
  return { keyCount: keys.length, stateCount, bytes, search };
}

function hashOf(x: number): number {
  // Edges fit in 2^53; mix the high and low halves.
  const lo = x >>> 0;
  const hi = (x / 4294967296) >>> 0;
  return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> 7;
}
