/**
 * A studio host on a temp data folder, closed when the test finishes, and typed ways to call it.
 */
import { onTestFinished } from 'vitest';
import type {
  ContractError,
  EventEnvelope,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../shared/contract/index';
import { createStudioHost, type HostOptions, type StudioHost } from '../../electron/studio/host';

/** Outputs are checked against the contract on every call, so a handler that drifts from its schema fails the test. */
export function openHost(dataDir: string, options: Partial<HostOptions> = {}): StudioHost {
  const host = createStudioHost({ dataDir, shell: 'desktop', checkOutputs: true, ...options });
  onTestFinished(() => host.close());
  return host;
}

/** Calls a method that must succeed and returns its value. */
export async function callOk<M extends MethodName>(host: StudioHost, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await host.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  return result.value as MethodOutput<M>;
}

/** Calls a method that must fail and returns its error. The input is `unknown` on purpose: invalid inputs are the point. */
export async function callError(host: StudioHost, method: string, input: unknown): Promise<ContractError> {
  const result = await host.dispatch(method, input);
  if (result.ok) throw new Error(`${method} unexpectedly succeeded: ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Collects every event the host emits from now on. */
export function recordEvents(host: StudioHost): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  host.on((event) => events.push(event));
  return events;
}

/** A clock that moves one second forward on every reading, so "later" is always strictly later. */
export function steppingClock(start = '2024-05-01T00:00:00.000Z', stepMs = 1000): () => Date {
  let t = Date.parse(start);
  return () => {
    t += stepMs;
    return new Date(t);
  };
}

/** A clock that always reads the same instant, for exact file names. */
export function fixedClock(iso: string): () => Date {
  return () => new Date(iso);
}
