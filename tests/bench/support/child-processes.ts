/**
 * What the benchmarks share: command-line options, and the servers they measure run as child processes the way the
 * studio runs them (`node --import tsx electron/cli/index.ts …`, one JSON ready line on stdout, logs to a file), with
 * a few figures read from Linux's /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

export interface Child {
  name: string;
  proc: ChildProcess;
  url: string;
  port: number;
  logFile: string;
  exited: Promise<void>;
  /** Set before this process stops or kills it; an exit without it is a crash. */
  expectedExit: boolean;
}

/** Every child still running, for clean-up on any exit path. */
export const children = new Set<Child>();

export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startChild(
  name: string,
  args: string[],
  options: { logFile: string; stdinLine?: string; nodeArgs?: string[]; env?: Record<string, string> },
): Promise<Child> {
  const logFd = fs.openSync(options.logFile, 'a');
  // Settings come from the config file only: no CREATOR_STUDIO_COMPANION_* of this shell leaks in.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CREATOR_STUDIO_'))), ...options.env };
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', logFd] });
  fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  if (options.stdinLine !== undefined) proc.stdin!.write(`${options.stdinLine}\n`);
  proc.stdin!.end();
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${name} printed no ready line within 30 s`)), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}\n--- ${name} log ---\n${tail(options.logFile)}`));
    };
    proc.once('error', fail);
    void exited.then(() => fail(new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before it was ready`)));
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      for (const line of out.split('\n').slice(0, -1)) {
        try {
          const ready = JSON.parse(line) as { ready?: unknown; url?: unknown };
          if (ready.ready === true && typeof ready.url === 'string') {
            clearTimeout(timer);
            resolve(ready.url);
          }
        } catch {
          // Not the ready line.
        }
      }
    });
  }).catch((error: unknown) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    throw error;
  });
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`${name} listens on ${url}, not on 127.0.0.1`);
  const child: Child = { name, proc, url, port: Number(new URL(url).port), logFile: options.logFile, exited, expectedExit: false };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

export async function stopChild(child: Child): Promise<void> {
  child.expectedExit = true;
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function readProc(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // not Linux, or the process is gone
  }
}

export function peakRssMiB(pid: number | undefined): number | null {
  const match = /VmHWM:\s+(\d+) kB/.exec(readProc(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) / 1024 : null;
}

/**
 * A temp folder for one benchmark run; on Ctrl+C, SIGTERM or exit no child outlives the run, and on a signal the
 * folder goes with it.
 */
export function benchTempRoot(prefix: string): string {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const killAll = () => {
    for (const child of children) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      fs.rmSync(tempRoot, { recursive: true, force: true });
      process.exit(130);
    });
  }
  return tempRoot;
}
