import type { CommandEntry } from '../../shared/cli/command';

/** Every subcommand, in the order `--help` lists them. Each is imported only when it runs. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    summary: 'Serve the studio in browser mode on a loopback address (127.0.0.1)',
    load: async () => (await import('../studio/cli/serve')).serveCommand,
  },
  {
    name: 'scan',
    summary: 'Scan text for compliance findings (诱导分享, 广告法 absolute terms, personal data, links …)',
    load: async () => (await import('../studio/cli/scan')).scanCommand,
  },
  {
    name: 'companion',
    summary: 'Run the companion server that talks to WeChat (embedded by the studio, or standalone for a team)',
    load: async () => (await import('../companion/cli')).companionCommand,
  },
  {
    name: 'sandbox',
    summary: 'Run the WeChat sandbox (模拟微信) for offline use, demos and tests',
    load: async () => (await import('../sandbox/cli')).sandboxCommand,
  },
];
