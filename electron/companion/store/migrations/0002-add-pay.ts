import type { CompanionMigration } from './types';

const STATES = `'CREATING', 'FAILED', 'NOTPAY', 'USERPAYING', 'SUCCESS', 'REFUND', 'CLOSED', 'REVOKED', 'PAYERROR'`;

/** WeChat Pay: orders, their append-only history, refunds, notifications seen, alerts, enrolments, platform certificates. */
export const addPay: CompanionMigration = {
  version: 2,
  name: 'add-pay',
  up: (db) => {
    db.exec(`
      -- One row per out_trade_no. Amounts are integer fen. state is WeChat's trade_state, or CREATING (sent, answer not
      -- known yet) / FAILED (WeChat refused to create it).
      CREATE TABLE pay_orders (
        out_trade_no TEXT PRIMARY KEY,
        mch_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('native', 'jsapi', 'h5')),
        state TEXT NOT NULL CHECK (state IN (${STATES})),
        description TEXT NOT NULL,
        list_fen INTEGER NOT NULL CHECK (list_fen >= 0),
        discount_fen INTEGER NOT NULL CHECK (discount_fen >= 0),
        total_fen INTEGER NOT NULL CHECK (total_fen >= 1),
        discount_json TEXT,
        scene TEXT,
        attach TEXT NOT NULL,
        payer_openid TEXT,
        code_url TEXT,
        prepay_id TEXT,
        h5_url TEXT,
        transaction_id TEXT,
        created_at TEXT NOT NULL,
        time_expire TEXT NOT NULL,
        paid_at TEXT,
        refunded_fen INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= total_fen),
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX pay_orders_by_created ON pay_orders (created_at);
      CREATE INDEX pay_orders_by_state ON pay_orders (state, created_at);
      -- What reconciliation looks at: orders not settled yet, by expiry.
      CREATE INDEX pay_orders_open ON pay_orders (time_expire) WHERE state IN ('CREATING', 'NOTPAY', 'USERPAYING');

      CREATE TABLE pay_order_items (
        out_trade_no TEXT NOT NULL REFERENCES pay_orders (out_trade_no) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        course_id TEXT NOT NULL,
        title TEXT NOT NULL,
        price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
        pay_fen INTEGER NOT NULL CHECK (pay_fen >= 0),
        PRIMARY KEY (out_trade_no, position)
      ) STRICT;
      CREATE INDEX pay_order_items_by_course ON pay_order_items (course_id, out_trade_no);

      -- Every state change of an order with what caused it. Append-only: the triggers refuse updates and deletes.
      CREATE TABLE pay_order_history (
        id INTEGER PRIMARY KEY,
        out_trade_no TEXT NOT NULL REFERENCES pay_orders (out_trade_no),
        at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('create', 'notify', 'query', 'close', 'reconcile', 'refund')),
        from_state TEXT,
        to_state TEXT NOT NULL,
        note TEXT NOT NULL
      ) STRICT;
      CREATE INDEX pay_order_history_by_order ON pay_order_history (out_trade_no, id);
      CREATE TRIGGER pay_order_history_no_update BEFORE UPDATE ON pay_order_history
        BEGIN SELECT RAISE(ABORT, 'pay_order_history is append-only'); END;
      CREATE TRIGGER pay_order_history_no_delete BEFORE DELETE ON pay_order_history
        BEGIN SELECT RAISE(ABORT, 'pay_order_history is append-only'); END;

      CREATE TABLE pay_refunds (
        out_refund_no TEXT PRIMARY KEY,
        out_trade_no TEXT NOT NULL REFERENCES pay_orders (out_trade_no),
        refund_id TEXT,
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 1),
        status TEXT NOT NULL CHECK (status IN ('CREATING', 'PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL', 'FAILED')),
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        success_at TEXT,
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX pay_refunds_by_order ON pay_refunds (out_trade_no, created_at);
      CREATE INDEX pay_refunds_open ON pay_refunds (created_at) WHERE status IN ('CREATING', 'PROCESSING');

      -- Each verified notification, by WeChat's id: a retry of one already handled changes nothing (§9.6).
      CREATE TABLE pay_notifications (
        id TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        event_type TEXT NOT NULL,
        out_trade_no TEXT,
        out_refund_no TEXT,
        outcome TEXT NOT NULL
      ) STRICT;

      -- Things a person must look at: a notification or query that disagrees with the order, an unknown order …
      CREATE TABLE pay_alerts (
        id TEXT PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        out_trade_no TEXT,
        kind TEXT NOT NULL,
        message TEXT NOT NULL
      ) STRICT;
      CREATE INDEX pay_alerts_by_order ON pay_alerts (out_trade_no, at);

      -- Who may study which course because they paid for it; revoked by a full refund.
      CREATE TABLE enrolments (
        course_id TEXT NOT NULL,
        openid TEXT NOT NULL,
        out_trade_no TEXT NOT NULL REFERENCES pay_orders (out_trade_no),
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT,
        PRIMARY KEY (course_id, openid, out_trade_no)
      ) STRICT;
      CREATE INDEX enrolments_by_order ON enrolments (out_trade_no);

      -- Downloaded platform certificates (public data, so not sealed), by serial.
      CREATE TABLE pay_platform_certificates (
        serial_no TEXT PRIMARY KEY,
        pem TEXT NOT NULL,
        effective_time TEXT NOT NULL,
        expire_time TEXT NOT NULL,
        fetched_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
