import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyFileSealer } from '../companion-link/secret-box';
import { createStudioHost } from '../host';
import { startLoopbackServer } from '../http/loopback-server';
import { DATA_DIR_ENV, resolveDataDir } from '../data-dir';
import { UsageError, type Command } from '../../../shared/cli/command';

/** The built renderer, found from wherever this code runs (out/node/cli.js, or the sources under tsx). */
export function findRendererDir(): string | null {
  if (process.env.CREATOR_STUDIO_RENDERER_DIR) return path.resolve(process.env.CREATOR_STUDIO_RENDERER_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'out', 'renderer');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    const sibling = path.join(dir, '..', 'renderer');
    if (path.basename(dir) === 'node' && fs.existsSync(path.join(sibling, 'index.html'))) return path.resolve(sibling);
    dir = path.dirname(dir);
  }
  return null;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the studio in browser mode on a loopback address (127.0.0.1)',
  usage: [
    'creator-studio serve [--port N] [--data-dir DIR]',
    '',
    '  --port N        listen on this port (default: a random free port)',
    `  --data-dir DIR  workspace folder (default: $${DATA_DIR_ENV}, else the platform's app-data folder)`,
    '  --no-companion  do not start the embedded companion and WeChat sandbox (team features stay offline)',
    '',
    'Prints the URL to open; it carries a token that is new on every launch. Stop with Ctrl+C.',
  ],
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-companion': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    // Digits only: Number() would read "" as 0 (a random port) and also accept "1e3" or "0x50".
    const port = values.port === undefined ? 0 : /^\d{1,5}$/.test(String(values.port)) ? Number(values.port) : Number.NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${String(values.port)}"`);
    const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
    const rendererDir = findRendererDir();
    if (!rendererDir) io.err('The renderer is not built yet: run `npm run build` first. Serving the API only.');

    const host = createStudioHost({
      dataDir,
      shell: 'browser',
      log: (line) => io.err(`[studio] ${line}`),
      // The embedded companion and sandbox are this same command line, run again the way this process was started
      // (plain Node on out/node/cli.js, or tsx on the sources in tests).
      companion: values['no-companion']
        ? null
        : { launcher: { execPath: process.execPath, args: [...process.execArgv, process.argv[1]!] }, sealer: keyFileSealer(dataDir) },
    });
    const server = await startLoopbackServer({ host, port, rendererDir });
    io.out(`Creator Studio (browser mode) — open ${server.openUrl}`);
    io.out(`Workspace: ${dataDir}`);

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void server
          .close()
          .then(() => host.close())
          .then(() => resolve(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
