/**
 * A TCP relay in front of a companion, for tests and specs that need it to become unreachable at a chosen moment —
 * or to do the work of a request and lose its answer — while the companion itself keeps running or is restarted.
 * No test-runner imports: vitest tests and Playwright specs both use it (the caller closes it).
 */
import net from 'node:net';

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

  /** Refuses every connection from now on and cuts the open ones (the companion is unreachable). */
  goDark(): void {
    this.dark = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.goDark();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
