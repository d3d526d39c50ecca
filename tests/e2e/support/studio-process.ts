/**
 * Starts the real studio host (`node out/node/cli.js serve`) on a data folder and reads the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const cli = path.join(root, 'out', 'node', 'cli.js');

export interface RunningStudio {
  /** The URL to open, with the per-launch token in its fragment. */
  openUrl: string;
  origin: string;
  token: string;
  process: ChildProcess;
  output: () => string;
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'));
}

/** `companion: false` (the default here) keeps the embedded companion and sandbox off for specs that do not use them. */
export async function startStudio(dataDir: string, options: { companion?: boolean } = {}): Promise<RunningStudio> {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build before the e2e tests`);
  const args = [cli, 'serve', '--data-dir', dataDir, '--port', '0', ...(options.companion ? [] : ['--no-companion'])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CREATOR_STUDIO_DATA_DIR: '' },
  });
  let output = '';
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`studio did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`studio exited with ${code}:\n${output}`));
    });
  });
  const url = new URL(openUrl);
  return { openUrl, origin: url.origin, token: url.hash.replace('#token=', ''), process: child, output: () => output };
}

/** Stops the host the hard way (SIGKILL, as a crash or a killed app would) or gracefully (SIGTERM). */
export async function stopStudio(studio: RunningStudio, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (studio.process.exitCode !== null || studio.process.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    studio.process.once('exit', () => resolve());
    studio.process.kill(signal);
  });
}
