/**
 * Runs one embedded service (the companion or the WeChat sandbox) as a child process of the studio host and keeps
 * it running: waits for its JSON ready line, restarts it with backoff when it dies unexpectedly, stops it on quit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readyLineSchema } from '../../../shared/companion/api';

/** How to run `creator-studio <subcommand>` from here (plain Node, Electron as Node, or tsx in tests). */
export interface CliLauncher {
  execPath: string;
  /** Arguments before the subcommand, e.g. the path of out/node/cli.js. */
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface ChildServiceOptions {
  name: 'companion' | 'sandbox';
  launcher: CliLauncher;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin once, right after spawning (secrets never go in argv or env). */
  stdinLine?: () => string | null;
  /** Called with the URL each time the service (re)starts and is ready. */
  onReady: (url: string) => Promise<void> | void;
  onStateChange?: (state: ServiceState) => void;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

export type ServiceState =
  | { state: 'starting' }
  | { state: 'ready'; url: string }
  | { state: 'restarting'; error: string; inMs: number }
  | { state: 'failed'; error: string }
  | { state: 'stopped' };

const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

export class ChildService {
  private child: ChildProcess | null = null;
  private stopping = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  current: ServiceState = { state: 'stopped' };

  constructor(private readonly options: ChildServiceOptions) {}

  /** Starts the service and resolves with its URL once it is ready; rejects if the first start fails. */
  start(): Promise<string> {
    this.stopping = false;
    return this.spawnOnce();
  }

  private setState(state: ServiceState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }

  private spawnOnce(): Promise<string> {
    const { launcher, name, log } = this.options;
    this.setState({ state: 'starting' });
    const child = spawn(launcher.execPath, [...launcher.args, name, ...this.options.args], {
      env: { ...process.env, ...launcher.env, ...this.options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    const line = this.options.stdinLine?.();
    if (line !== null && line !== undefined) child.stdin!.write(`${line}\n`);
    // stdin stays open for the child's whole life: started with --exit-with-parent, the child stops when it closes,
    // which is what happens when this process dies, however it dies.
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (chunk: Buffer) => {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) log(`[${name}] ${l}`);
    });

    return new Promise<string>((resolve, reject) => {
      let buffered = '';
      let ready = false;
      const timeout = setTimeout(() => {
        if (!ready) child.kill('SIGKILL');
      }, this.options.readyTimeoutMs ?? 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (ready) return;
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const l of lines) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(l);
          } catch {
            continue;
          }
          const readyLine = readyLineSchema.safeParse(parsed);
          if (!readyLine.success || readyLine.data.service !== name) continue;
          ready = true;
          clearTimeout(timeout);
          const url = readyLine.data.url;
          Promise.resolve(this.options.onReady(url)).then(
            () => {
              this.failures = 0;
              this.setState({ state: 'ready', url });
              resolve(url);
            },
            (error: unknown) => {
              log(`[${name}] set-up after start failed: ${String(error)}`);
              child.kill('SIGTERM');
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
          return;
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timeout);
        this.child = null;
        if (this.stopping) {
          this.setState({ state: 'stopped' });
          return;
        }
        const error = `${name} exited (${signal ?? `code ${code}`})${ready ? '' : ' before it was ready'}`;
        log(`[${name}] ${error}`);
        if (!ready) reject(new Error(error));
        this.scheduleRestart(error);
      });
    });
  }

  private scheduleRestart(error: string): void {
    const inMs = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
    this.failures++;
    this.setState({ state: 'restarting', error, inMs });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopping) this.spawnOnce().catch(() => {});
    }, inMs);
    this.timer.unref();
  }

  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and any pending restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null) {
      this.setState({ state: 'stopped' });
      return;
    }
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** For tests and diagnostics: the running child's pid. */
  get pid(): number | undefined {
    return this.child?.pid ?? undefined;
  }
}
