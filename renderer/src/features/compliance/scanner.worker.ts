/**
 * The compliance scanner in a Web Worker: building the matcher (the rules plus a team's lists, up to tens of thousands
 * of terms) and scanning run here, so typing never waits for them on the page's main thread.
 *
 * Messages in order: `configure` (the team's terms, packed as text by the host) rebuilds the scanner; `scan` answers
 * with findings per field. Until the first `configure`, the scanner has the rules only.
 */
import { createDefaultScanner } from '../../../../shared/compliance/default-scanner';
import type { CustomTerm, Finding, Scanner } from '../../../../shared/compliance/types';
import { CATEGORIES, type Category } from '../../../../shared/compliance/types';
import type { WorkerRequest, WorkerResponse } from './live-scan';

interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;
const categories = new Set<string>(CATEGORIES);

let scanner: Scanner | null = null;

function unpack(flagTerms: string, allowTerms: string, hosts: string): { customTerms: CustomTerm[]; allowTerms: string[]; whitelist: string[] } {
  const customTerms: CustomTerm[] = [];
  for (const line of flagTerms.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab <= 0) continue;
    const category = line.slice(tab + 1);
    if (categories.has(category)) customTerms.push({ term: line.slice(0, tab), category: category as Category });
  }
  const lines = (text: string) => text.split('\n').filter((t) => t.length > 0);
  return { customTerms, allowTerms: lines(allowTerms), whitelist: lines(hosts) };
}

function scanOne(text: string): Finding[] {
  scanner ??= createDefaultScanner({ includeInfo: true });
  try {
    return scanner.scan(text);
  } catch {
    // The engine promises never to throw; should it, a field shows no highlights rather than breaking the editor.
    return [];
  }
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  const started = performance.now();
  if (message.type === 'configure') {
    try {
      scanner = createDefaultScanner({ ...unpack(message.flagTerms, message.allowTerms, message.hosts), includeInfo: true });
      scope.postMessage({ type: 'configured', listsVersion: message.listsVersion, ms: performance.now() - started });
    } catch (error) {
      scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  const results = message.fields.map((f) => ({ key: f.key, text: f.text, findings: scanOne(f.text) }));
  scope.postMessage({ type: 'result', id: message.id, results, ms: performance.now() - started });
});
