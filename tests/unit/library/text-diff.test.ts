import { describe, expect, it } from 'vitest';
import { MAX_EDIT_DISTANCE, changedChars, diffText, movedIds } from '../../../shared/versions/diff';
import type { TextOp } from '../../../shared/contract/library';

/** Applies a diff to its "before" text; must give the "after" text. */
const apply = (ops: TextOp[]) => ops.filter((o) => o.op !== 'delete').map((o) => o.text).join('');
const source = (ops: TextOp[]) => ops.filter((o) => o.op !== 'insert').map((o) => o.text).join('');

describe('diffText', () => {
  it('diffs Chinese character by character, deletions before insertions', () => {
    expect(diffText('今天学习摄影构图', '今天学习手机摄影')).toEqual([
      { op: 'equal', text: '今天学习' },
      { op: 'insert', text: '手机' },
      { op: 'equal', text: '摄影' },
      { op: 'delete', text: '构图' },
    ]);
    expect(diffText('三分法', '黄金分割法')).toEqual([
      { op: 'delete', text: '三' },
      { op: 'insert', text: '黄金' },
      { op: 'equal', text: '分' },
      { op: 'insert', text: '割' },
      { op: 'equal', text: '法' },
    ]);
  });

  it('never splits an emoji or other astral character', () => {
    const ops = diffText('拍照📷好', '拍照📸好');
    expect(ops).toEqual([{ op: 'equal', text: '拍照' }, { op: 'delete', text: '📷' }, { op: 'insert', text: '📸' }, { op: 'equal', text: '好' }]);
  });

  it('is a minimal, faithful script on random edits', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = [...'摄影构图光线调色学习课程abc'];
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join('');
      const chars = [...a];
      for (let e = rand(6); e > 0; e--) {
        const at = rand(chars.length + 1);
        if (rand(2) && chars.length > 0) chars.splice(Math.min(at, chars.length - 1), 1);
        else chars.splice(at, 0, alphabet[rand(alphabet.length)]!);
      }
      const b = chars.join('');
      const ops = diffText(a, b);
      expect(source(ops)).toBe(a);
      expect(apply(ops)).toBe(b);
      // Never more edits than deleting everything and inserting everything.
      const edits = ops.filter((o) => o.op !== 'equal').reduce((n, o) => n + [...o.text].length, 0);
      expect(edits).toBeLessThanOrEqual([...a].length + [...b].length);
    }
  });

  it('stays fast and correct on long unrelated texts (falls back past the edit limit)', () => {
    const a = '甲乙丙丁'.repeat(3000);
    const b = '子丑寅卯'.repeat(3000);
    // A diff without the edit limit would be quadratic here and run past the test's timeout.
    const ops = diffText(a, b);
    expect(apply(ops)).toBe(b);
    expect(source(ops)).toBe(a);
    expect(MAX_EDIT_DISTANCE).toBeLessThan(a.length + b.length);
  });
});

describe('changedChars and movedIds', () => {
  it('counts the differing middle', () => {
    expect(changedChars('abcdef', 'abXYef')).toBe(2);
    expect(changedChars('', '新增的内容')).toBe(5);
    expect(changedChars('一样', '一样')).toBe(0);
  });

  it('reports the item that moved, not the ones it jumped over', () => {
    expect([...movedIds(['a', 'b', 'c', 'd', 'e'], ['e', 'a', 'b', 'c', 'd'])]).toEqual(['e']);
    expect([...movedIds(['a', 'b', 'c'], ['a', 'b', 'c'])]).toEqual([]);
    expect(movedIds(['a', 'b'], ['b', 'a']).size).toBe(1);
  });
});
