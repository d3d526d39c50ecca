/** Starting studio hosts with the embedded companion and sandbox from the sources, and waiting on their state. */
import path from 'node:path';
import type { CompanionStatus } from '../../shared/contract/index';
import type { StudioHost } from '../../electron/studio/host';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The same command line the studio runs in production, on the sources through tsx. */
export const cliLauncher = { execPath: process.execPath, args: ['--import', 'tsx', path.join(root, 'electron', 'cli', 'index.ts')] };

/** Resolves when the host reports its companion in `state` (events, not sleeps). */
export function companionState(host: StudioHost, state: CompanionStatus['state']): Promise<CompanionStatus> {
  return new Promise((resolve) => {
    const check = (status: CompanionStatus) => {
      if (status.state !== state) return false;
      off();
      resolve(status);
      return true;
    };
    const off = host.on((e) => {
      if (e.event === 'companion.changed') check(e.payload as CompanionStatus);
    });
    void host.dispatch('companion.status', {}).then((r) => r.ok && check(r.value as CompanionStatus));
  });
}
