/**
 * Faults injected through the control API (`faults.add`): an errcode and/or a delay for the next N calls of one
 * WeChat API path, or of every API (`*`).
 */
import type { z } from 'zod';
import { sandboxControl } from '../../../shared/wechat-sandbox/control';

export type FaultInput = z.input<(typeof sandboxControl)['faults.add']['body']>;
type Fault = z.output<(typeof sandboxControl)['faults.add']['body']>;

export interface AppliedFault {
  errcode: number | null;
  delayMs: number;
}

export class FaultList {
  private readonly faults: Fault[] = [];

  add(input: FaultInput): void {
    this.faults.push(sandboxControl['faults.add'].body.parse(input));
  }

  /** Takes one use of the oldest fault matching `path`, if any; a fault whose count runs out is removed. */
  take(path: string): AppliedFault | null {
    const index = this.faults.findIndex((f) => f.path === '*' || f.path === path);
    if (index < 0) return null;
    const fault = this.faults[index]!;
    fault.count -= 1;
    if (fault.count <= 0) this.faults.splice(index, 1);
    return { errcode: fault.errcode ?? null, delayMs: fault.delayMs };
  }
}
