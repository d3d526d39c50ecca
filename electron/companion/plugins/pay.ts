/**
 * WeChat Pay, loaded after the services (it uses the audit log, secrets and public address): settings, the signed
 * and verifying client, the ledger and the order, refund, notification and reconciliation services. Reconciliation
 * runs once the app is ready and then on its interval; it stops before the database closes.
 */
import type { FastifyInstance } from 'fastify';
import { APP_VERSION } from '../version';
import { testConnection } from '../services/pay/connection-test';
import { Ledger } from '../services/pay/ledger';
import { NotificationService } from '../services/pay/notifications';
import { OrderQueries } from '../services/pay/order-queries';
import { OrderService } from '../services/pay/orders';
import { Reconciler } from '../services/pay/reconcile';
import { RefundService } from '../services/pay/refunds';
import { PaySettingsService } from '../services/pay/settings';
import { PlatformCertificates } from '../wechat/pay/certificates';
import { PayClient } from '../wechat/pay/client';
import { plugin, type CompanionOptions } from './types';

export const pay = plugin('companion-pay', async (app: FastifyInstance, { config, deps }: CompanionOptions) => {
  const now = deps.now ?? (() => new Date());
  const db = app.db;
  const log = (message: string, fields: Record<string, unknown> = {}) => app.log.warn(fields, message);
  const wallNow = deps.wallNow ?? Date.now;
  const certificates = new PlatformCertificates(db, wallNow);
  const settings = new PaySettingsService(db, config, app.secrets, certificates, app.companion.publicBaseUrl, now);
  const client = new PayClient({
    baseUrl: () => config.wechat.baseUrls.pay,
    credentials: () => settings.credentials(),
    certificates,
    audit: app.companion.audit,
    wallNow,
    userAgent: `creator-studio-companion/${APP_VERSION}`,
    noProxy: config.sandbox,
    ...deps.pay,
  });
  const ledger = new Ledger(db, now);
  const queries = new OrderQueries(db);
  const orders = new OrderService({ ledger, queries, settings, client, now, wallNow });
  const refunds = new RefundService({ ledger, queries, settings, client, now });
  const notifications = new NotificationService({ ledger, settings, client, log });
  const reconciler = new Reconciler({ db, ledger, orders, refunds, settings, now, log });

  app.decorate('pay', {
    settings,
    client,
    certificates,
    ledger,
    queries,
    orders,
    refunds,
    notifications,
    reconciler,
    test: (memberId: string | null) => testConnection(settings, client, memberId),
  });

  app.addHook('onReady', async () => {
    if (deps.pay?.reconcileOnStart !== false) reconciler.start(config.wechat.pay.reconcileIntervalSeconds);
  });
  app.addHook('onClose', async () => {
    await reconciler.stop();
  });
});
