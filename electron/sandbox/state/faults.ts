/**
 * Faults injected through the control API (`faults.add`): an errcode (WeChat APIs) or an APIv3 code (WeChat Pay)
 * and/or a delay for the next N calls of one API path, of every path under a prefix (`/v3/refund/*`), or of every
 * API (`*`).
 */
import type { z } from 'zod';
import { sandboxControl, type PAY_FAULT_STATUS } from '../../../shared/wechat-sandbox/control';

export type FaultInput = z.input<(typeof sandboxControl)['faults.add']['body']>;
type Fault = z.output<(typeof sandboxControl)['faults.add']['body']>;

/** Which surface asks: the errcode APIs (cgi-bin, sns) or WeChat Pay (APIv3). */
export type FaultSurface = 'wechat' | 'pay';

export interface AppliedFault {
  errcode: number | null;
  code: keyof typeof PAY_FAULT_STATUS | null;
  /** APIv3: carry the request out before answering the error. */
  applied: boolean;
  delayMs: number;
}

function pathMatches(pattern: string, path: string): boolean {
  return pattern === path || (pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1)));
}

/** A fault with an errcode is for the WeChat APIs, one with a code for WeChat Pay; a delay alone is for either. */
function surfaceMatches(fault: Fault, surface: FaultSurface): boolean {
  if (fault.code !== undefined) return surface === 'pay';
  if (fault.errcode !== undefined) return surface === 'wechat';
  return true;
}

export class FaultList {
  private readonly faults: Fault[] = [];

  add(input: FaultInput): void {
    this.faults.push(sandboxControl['faults.add'].body.parse(input));
  }

  /** Takes one use of the oldest fault matching `path` on `surface`, if any; a fault whose count runs out is removed. */
  take(path: string, surface: FaultSurface = 'wechat'): AppliedFault | null {
    const index = this.faults.findIndex((f) => pathMatches(f.path, path) && surfaceMatches(f, surface));
    if (index < 0) return null;
    const fault = this.faults[index]!;
    fault.count -= 1;
    if (fault.count <= 0) this.faults.splice(index, 1);
    return { errcode: fault.errcode ?? null, code: fault.code ?? null, applied: fault.applied, delayMs: fault.delayMs };
  }
}
