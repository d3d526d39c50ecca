/**
 * Team sync in tests: desktops (studio hosts on their own temp folders) syncing with one companion over real
 * loopback HTTP, each through a switch that can cut it off from the companion (an offline period), and a TCP relay
 * that can drop an answer on the floor or refuse every connection (a companion killed or unreachable mid-sync).
 */
import net from 'node:net';
import { onTestFinished } from 'vitest';
import { StudioError, type EventEnvelope, type SyncStatus } from '../../shared/contract/index';
import { companionRequest } from '../../electron/studio/companion-link/companion-client';
import { remoteOver, type SyncRemote } from '../../electron/studio/services/sync';
import type { StudioHost } from '../../electron/studio/host';
import { openHost } from './host';
import { tempDir } from './temp-dir';

/** Whether a desktop can reach the companion right now; `pushRefused`: it can pull but its pushes fail. */
export interface Reach {
  online: boolean;
  pushRefused?: boolean;
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

export interface Desktop {
  host: StudioHost;
  reach: Reach;
  dataDir: string;
}

/** A studio host that syncs with the companion at `url` as the device `token`. */
export function openDesktop(url: () => string, token: string, options: { auto?: boolean } = {}): Desktop {
  const dataDir = tempDir('sync-desktop-');
  const reach: Reach = { online: true };
  const host = openHost(dataDir, {
    ...(process.env.SYNC_DEBUG ? { log: (line: string) => console.log(line) } : {}),
    sync: { remote: companionRemote(url, token, reach), auto: options.auto ?? false, backoff: { baseMs: 20, maxMs: 200 }, longPollMs: 2000 },
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

/**
 * A TCP relay in front of the companion. `dropNextAnswerTo(prefix)`: a request starting with `prefix` reaches
 * the companion, but its answer is thrown away and the relay goes dark (every connection refused) — the companion
 * did the work, the desktop never heard. `restore(port)` forwards again, possibly to a restarted companion.
 */
export class Relay {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private dark = false;
  private dropPrefix: string | null = null;
  private dropSkip = 0;
  private dropped: () => void = () => {};
  /** Resolves once an answer was dropped. */
  readonly droppedAnswer: Promise<void>;
  port = 0;

  constructor(private upstreamPort: number) {
    this.droppedAnswer = new Promise((resolve) => {
      this.dropped = resolve;
    });
    this.server = net.createServer((client) => this.relay(client));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    onTestFinished(() => this.close());
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops the answer to a request starting with `prefix`, after letting `skip` such requests through. */
  dropNextAnswerTo(prefix: string, skip = 0): void {
    this.dropPrefix = prefix;
    this.dropSkip = skip;
  }

  restore(upstreamPort: number): void {
    this.upstreamPort = upstreamPort;
    this.dark = false;
  }

  private relay(client: net.Socket): void {
    if (this.dark) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    let dropThis = false;
    client.on('data', (chunk) => {
      if (this.dropPrefix && chunk.toString('latin1').startsWith(this.dropPrefix)) {
        if (this.dropSkip > 0) this.dropSkip -= 1;
        else {
          this.dropPrefix = null;
          dropThis = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (dropThis) {
        this.goDark();
        this.dropped();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }

  private goDark(): void {
    this.dark = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.goDark();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
