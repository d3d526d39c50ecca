#!/usr/bin/env node
// The package's command: runs the built plain-Node entry (out/node/cli.js).
import { existsSync } from 'node:fs';

const cli = new URL('../out/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('creator-studio is not built yet: run `npm run build` in the project folder first.\n');
  process.exit(1);
}
await import(cli.href);
