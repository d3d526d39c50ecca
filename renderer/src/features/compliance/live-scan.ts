/**
 * The page's side of the scanning worker: one worker for the whole app (its scanner is built once per team-lists
 * version, not once per opened course), requests matched to answers by id.
 */
import type { Finding } from '../../../../shared/compliance/types';

export type WorkerRequest =
  | { type: 'configure'; listsVersion: string; flagTerms: string; allowTerms: string; hosts: string }
  | { type: 'scan'; id: number; fields: Array<{ key: string; text: string }> };

export type WorkerResponse =
  | { type: 'configured'; listsVersion: string; ms: number }
  | { type: 'result'; id: number; results: Array<{ key: string; text: string; findings: Finding[] }>; ms: number }
  | { type: 'error'; message: string };

export interface FieldScan {
  key: string;
  /** The text that was scanned: findings are only shown while the field still holds it. */
  text: string;
  findings: Finding[];
}

export interface LiveScanner {
  /** Gives the worker the team's terms, unless it already has this version of them. */
  configure(config: { listsVersion: string; flagTerms: string; allowTerms: string; hosts: string }): void;
  scan(fields: Array<{ key: string; text: string }>): Promise<FieldScan[]>;
}

class WorkerScanner implements LiveScanner {
  private readonly worker: Worker;
  private seq = 0;
  private listsVersion: string | null = null;
  private readonly pending = new Map<number, (results: FieldScan[]) => void>();

  constructor() {
    this.worker = new Worker(new URL('./scanner.worker.ts', import.meta.url), { type: 'module', name: 'compliance-scanner' });
    this.worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
      const message = event.data;
      if (message.type === 'result') {
        this.pending.get(message.id)?.(message.results);
        this.pending.delete(message.id);
      } else if (message.type === 'error') {
        console.warn(`compliance scanner: ${message.message}`);
      }
    });
    this.worker.addEventListener('error', (event) => console.warn(`compliance scanner worker failed: ${event.message}`));
  }

  configure(config: { listsVersion: string; flagTerms: string; allowTerms: string; hosts: string }): void {
    if (config.listsVersion === this.listsVersion) return;
    this.listsVersion = config.listsVersion;
    this.post({ type: 'configure', ...config });
  }

  scan(fields: Array<{ key: string; text: string }>): Promise<FieldScan[]> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type: 'scan', id, fields });
    });
  }

  private post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }
}

let shared: LiveScanner | null = null;

/** The app's scanning worker, started on first use. */
export function liveScanner(): LiveScanner {
  shared ??= new WorkerScanner();
  return shared;
}
