import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { SCAN_MAX_BYTES } from '../../electron/studio/cli/scan';
import { ROOT } from '../helpers/fixtures';
import { captureIo } from '../helpers/cli-io';
import { tempDir } from '../helpers/temp-dir';
import { lexiconsDir } from '../helpers/lexicons';

const LEXICONS = lexiconsDir();

const capture = captureIo;

function file(contents: string | Uint8Array, name = 'input.txt'): string {
  const p = path.join(tempDir(), name);
  fs.writeFileSync(p, contents);
  return p;
}

describe('creator-studio scan', () => {
  it('prints one JSON object per line with UTF-16 offsets and exits 1 when something fired', async () => {
    const io = capture('转发到朋友圈即可领取资料\n第一章：认识Python\n联系我 😀13812345678\n');
    expect(await runCli(['scan', '--json', '--lines', '-'], io)).toBe(1);
    const docs = io.stdout.trim().split('\n').map((l) => JSON.parse(l) as { findings: Record<string, unknown>[] });
    expect(docs).toHaveLength(3);
    expect(docs[0]!.findings[0]).toMatchObject({ category: 'induce_share', severity: 'must_fix', start: 0, rule: 'share.incentive' });
    expect(Object.keys(docs[0]!.findings[0]!).sort()).toEqual(['basis', 'category', 'end', 'rule', 'severity', 'start', 'text']);
    expect(docs[1]!.findings).toEqual([]);
    // The emoji is two UTF-16 units: the number starts at 6, not 5.
    expect(docs[2]!.findings[0]).toMatchObject({ category: 'personal_data', start: 6, end: 17, text: '13812345678' });
  });

  it('scans the whole input as one document by default and exits 0 when nothing fired', async () => {
    const io = capture();
    expect(await runCli(['scan', file('欢迎分享给需要的朋友。\n本课程第一章讲最佳实践。')], io)).toBe(0);
    expect(io.stdout).toContain('no findings');
  });

  it('treats the tenant whitelist as exact or dot-suffix', async () => {
    const input = file('报名：https://shop.example.com/c/1 或 https://example.com.evil.cn');
    const io = capture();
    expect(await runCli(['scan', '--json', '--whitelist', 'example.com', input], io)).toBe(1);
    const { findings } = JSON.parse(io.stdout) as { findings: { text: string }[] };
    expect(findings.map((f) => f.text)).toEqual(['https://example.com.evil.cn']);
  });

  it('answers bad input with a clear message and exit 2', async () => {
    const cases: [string[], string | Uint8Array | undefined, RegExp][] = [
      [['scan', '-'], '', /empty/],
      [['scan', '-'], '  \n\t', /empty/],
      [['scan', '-'], Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d), /binary/],
      [['scan', '-'], Uint8Array.of(0xe4, 0xbd, 0xa0, 0xb0, 0xa1), /not valid UTF-8.*offset 3/],
      [['scan', '/no/such/file.txt'], undefined, /no such file/],
      [['scan', '--lang', 'fr', '-'], 'x', /--lang/],
      [['scan', '--whitelist', 'not a host', '-'], 'x', /--whitelist/],
      [['scan', 'a.txt', 'b.txt'], undefined, /one input/],
      [['scan', '--bogus'], undefined, /bogus/],
    ];
    for (const [args, stdin, message] of cases) {
      const io = capture(stdin);
      expect(await runCli(args, io), args.join(' ')).toBe(2);
      expect(io.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('scans a 50 MB file, and refuses one over the limit without reading it', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.txt');
    const line = '课程介绍：本节讲解数据结构与算法的基础知识，欢迎分享。\n';
    const fd = fs.openSync(big, 'w');
    const chunk = line.repeat(Math.ceil((1 << 20) / Buffer.byteLength(line)));
    for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
    fs.writeSync(fd, '最后一行：包过班，不过全额退款\n');
    fs.closeSync(fd);
    const io = capture();
    expect(await runCli(['scan', '--json', big], io)).toBe(1);
    const { findings } = JSON.parse(io.stdout) as { findings: { rule: string }[] };
    expect(findings.map((f) => f.rule)).toEqual(['edu.guarantee', 'edu.guarantee']);

    const huge = path.join(dir, 'huge.txt');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, SCAN_MAX_BYTES + 1);
    const io2 = capture();
    expect(await runCli(['scan', huge], io2)).toBe(2);
    expect(io2.stderr).toMatch(/limit is 64 MB/);
  }, 60_000);

  it('imports a word list with --terms (the houbb lexicon, read from the shared data folder)', async () => {
    const io = capture('这里有个敏感词测试');
    const terms = file('敏感词测试\n');
    expect(await runCli(['scan', '--json', '--terms', terms, '--terms-category', 'fraud', '-'], io)).toBe(1);
    expect(JSON.parse(io.stdout).findings[0]).toMatchObject({ category: 'fraud', rule: 'custom.fraud' });

    const io2 = capture('普通的课程介绍');
    const tags = path.join(LEXICONS, 'houbb-sensitive-word-v0.26.1/sensitive_word_tags.txt');
    expect(await runCli(['scan', '--terms', tags, '-'], io2)).toBe(0);

    const io3 = capture('x');
    expect(await runCli(['scan', '--terms', file('好词\n坏词\tnot-a-category\n'), '-'], io3)).toBe(2);
    expect(io3.stderr).toMatch(/第 2 行.*not-a-category/);
  }, 30_000);

  it('runs as a real process reading standard input', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'scan', '--json', '--lines', '-'], {
      cwd: ROOT,
      input: '百家乐稳赢，加群带你上分\n普通文本\n',
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!).findings[0].severity).toBe('block');
    expect(JSON.parse(lines[1]!).findings).toEqual([]);
  }, 30_000);
});
