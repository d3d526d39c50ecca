/**
 * Team sync in tests: desktops (studio hosts on their own temp folders) syncing with one companion over real
 * loopback HTTP, each through a switch that can cut it off from the companion (an offline period), and a TCP relay
 * (relay.ts) that can drop an answer on the floor or refuse every connection (a companion killed or unreachable).
 */
import { onTestFinished } from 'vitest';
import { StudioError, type EventEnvelope, type SyncStatus } from '../../shared/contract/index';
import { companionRequest } from '../../electron/studio/companion-link/companion-client';
import { remoteOver, type SyncRemote } from '../../electron/studio/services/sync';
import { mediaRemoteAt, type SyncMediaRemote } from '../../electron/studio/services/sync-media';
import type { StudioHost } from '../../electron/studio/host';
import { openHost } from './host';
import { Relay } from './relay';

export { Relay } from './relay';
import { tempDir } from './temp-dir';

/** Whether a desktop can reach the companion right now; `pushRefused`: it can pull but its pushes fail. */
export interface Reach {
  online: boolean;
  pushRefused?: boolean;
  /** The media routes alone are cut off (rows travel, files do not). */
  mediaOffline?: boolean;
}

/** The companion's sync routes for a device token, unless `reach` says this desktop is offline. */
export function companionRemote(url: () => string, token: string, reach: Reach = { online: true }): SyncRemote {
  return remoteOver({
    call: (name, parts) => {
      if (!reach.online || (reach.pushRefused && name === 'sync.push')) {
        return Promise.reject(new StudioError('COMPANION_UNAVAILABLE', 'offline (this desktop is cut off in the test)'));
      }
      return companionRequest(url(), token, name, parts);
    },
  });
}

/** The companion's media routes for a device token, unless `reach` says they are cut off. */
export function companionMediaRemote(url: () => string, token: string, reach: Reach = { online: true }): SyncMediaRemote {
  const inner = mediaRemoteAt(() => ({ url: url(), token }));
  const gate = () => {
    if (!reach.online || reach.mediaOffline) throw new StudioError('COMPANION_UNAVAILABLE', 'offline (this desktop is cut off in the test)');
  };
  return {
    has: async (hashes) => (gate(), inner.has(hashes)),
    upload: async (hash, offset, size, chunk) => (gate(), inner.upload(hash, offset, size, chunk)),
    download: async (hash, signal) => (gate(), inner.download(hash, signal)),
  };
}

export interface Desktop {
  host: StudioHost;
  reach: Reach;
  dataDir: string;
}

/** A studio host that syncs with the companion at `url` as the device `token`. */
export function openDesktop(url: () => string, token: string, options: { auto?: boolean; media?: (inner: SyncMediaRemote) => SyncMediaRemote } = {}): Desktop {
  const dataDir = tempDir('sync-desktop-');
  const reach: Reach = { online: true };
  const media = companionMediaRemote(url, token, reach);
  const host = openHost(dataDir, {
    ...(process.env.SYNC_DEBUG ? { log: (line: string) => console.log(line) } : {}),
    sync: { remote: companionRemote(url, token, reach), media: options.media ? options.media(media) : media, auto: options.auto ?? false, backoff: { baseMs: 20, maxMs: 200 }, longPollMs: 2000 },
  });
  return { host, reach, dataDir };
}

/** Resolves with the first `sync.progressed` status that satisfies `test` (checked against the current one too). */
export function syncState(host: StudioHost, test: (s: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    let done = false;
    const off = host.on((e: EventEnvelope) => {
      if (!done && e.event === 'sync.progressed' && test(e.payload as SyncStatus)) {
        done = true;
        off();
        resolve(e.payload as SyncStatus);
      }
    });
    void host.dispatch('sync.status', {}).then((r) => {
      if (!done && r.ok && test(r.value as SyncStatus)) {
        done = true;
        off();
        resolve(r.value as SyncStatus);
      }
    });
  });
}

/** A relay in front of the companion at `upstreamPort`, closed when the test finishes. */
export async function openRelay(upstreamPort: number): Promise<{ relay: Relay; url: string }> {
  const relay = new Relay(upstreamPort);
  const url = await relay.listen();
  onTestFinished(() => relay.close());
  return { relay, url };
}
