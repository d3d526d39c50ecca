/**
 * Reconciliation: orders still CREATING, NOTPAY or USERPAYING after their time_expire are queried at WeChat Pay and
 * completed (paid but never notified — a lost notification), closed (unpaid: closed at WeChat too, so a late payment
 * is impossible) or marked FAILED (WeChat never created them). Refunds still CREATING or PROCESSING after a minute are
 * queried as well. Runs at start and then every `reconcileIntervalSeconds`; one run at a time; one order's failure
 * does not stop the others.
 */
import type Database from 'better-sqlite3';
import { isOpen } from './order-rules';
import type { Ledger } from './ledger';
import type { OrderService } from './orders';
import type { RefundService } from './refunds';
import type { PaySettingsService } from './settings';

export interface ReconcileReport {
  checked: number;
  completed: number;
  closed: number;
  failed: number;
  refundsChecked: number;
  errors: number;
}

const BATCH = 200;
const REFUND_GRACE_MS = 60_000;

export class Reconciler {
  private running: Promise<ReconcileReport> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      db: Database.Database;
      ledger: Ledger;
      orders: OrderService;
      refunds: RefundService;
      settings: PaySettingsService;
      now: () => Date;
      log: (message: string, fields?: Record<string, unknown>) => void;
    },
  ) {}

  /** One pass (joins a pass already running). Skipped, with an empty report, while pay is not configured. */
  runOnce(): Promise<ReconcileReport> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, completed: 0, closed: 0, failed: 0, refundsChecked: 0, errors: 0 };
    if (!this.deps.settings.get().configured) return report;
    const { db, ledger, orders, refunds } = this.deps;
    const now = this.deps.now();
    const due = db
      .prepare<[string, number], { out_trade_no: string }>(
        "SELECT out_trade_no FROM pay_orders WHERE state IN ('CREATING', 'NOTPAY', 'USERPAYING') AND time_expire <= ? ORDER BY time_expire LIMIT ?",
      )
      .all(now.toISOString(), BATCH);
    for (const { out_trade_no: no } of due) {
      report.checked++;
      try {
        const before = ledger.order(no)!.state;
        const transaction = await orders.fetch(no, null);
        if (transaction === null) {
          ledger.tx(() => ledger.setState(no, before === 'CREATING' ? 'FAILED' : 'CLOSED', 'reconcile', 'expired; WeChat Pay has no such order'));
          report.failed++;
          continue;
        }
        ledger.tx(() => ledger.applyTransaction(transaction, 'reconcile', `reconcile:${no}`));
        const after = ledger.order(no)!.state;
        if (after === 'SUCCESS' || after === 'REFUND') report.completed++;
        else if (isOpen(after)) {
          await orders.close(no, null, 'reconcile');
          report.closed++;
        } else report.closed++;
      } catch (error) {
        report.errors++;
        this.deps.log('reconciliation of an order failed', { outTradeNo: no, error: (error as Error).message });
      }
    }
    const stuck = db
      .prepare<[string, number], { out_refund_no: string }>(
        "SELECT out_refund_no FROM pay_refunds WHERE status IN ('CREATING', 'PROCESSING') AND created_at <= ? ORDER BY created_at LIMIT ?",
      )
      .all(new Date(now.getTime() - REFUND_GRACE_MS).toISOString(), BATCH);
    for (const { out_refund_no: no } of stuck) {
      report.refundsChecked++;
      try {
        await refunds.query(no, 'reconcile');
      } catch (error) {
        report.errors++;
        this.deps.log('reconciliation of a refund failed', { outRefundNo: no, error: (error as Error).message });
      }
    }
    return report;
  }

  /** Runs now, then every `intervalSeconds` (0 = only now). */
  start(intervalSeconds: number): void {
    const run = () => {
      this.runOnce().catch((error: unknown) => this.deps.log('reconciliation failed', { error: (error as Error).message }));
    };
    run();
    if (intervalSeconds > 0) {
      this.timer = setInterval(run, intervalSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
