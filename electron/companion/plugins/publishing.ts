/**
 * Publishing, live reminders and the studio's offline insights, loaded after WeChat Pay (reminders go to the buyers
 * its enrolments name; insights read its orders). Both follow the events pipeline: PUBLISHJOBFINISH ends publish
 * jobs, TEMPLATESENDJOBFINISH and subscribe_msg_sent_event record reminder outcomes. Unfinished jobs resume and the
 * reminder clock starts once the app is ready; both stop before the database closes.
 */
import type { FastifyInstance } from 'fastify';
import { InsightsService } from '../services/insights';
import { PublishService } from '../services/publishing';
import { ReminderService } from '../services/reminders';
import { plugin, type CompanionOptions } from './types';

/** How often due reminders are looked for (a reminder is minutes ahead of a start; a few seconds late is fine). */
const DEFAULT_REMINDER_TICK_MS = 15_000;

export const publishing = plugin('companion-publishing', async (app: FastifyInstance, { deps }: CompanionOptions) => {
  const { companion } = app;
  const log = (message: string, fields: Record<string, unknown> = {}) => app.log.warn(fields, message);
  const publish = new PublishService(app.db, companion.wechat, companion.now, log);
  const reminders = new ReminderService(app.db, companion.wechat, companion.now, log);
  const insights = new InsightsService({ db: app.db, queries: app.pay.queries, events: companion.events, team: companion.team, now: companion.now });
  companion.events.onProcessed(({ processed }) => {
    publish.onEvent(processed);
    reminders.onEvent(processed);
  });
  app.decorate('publishing', { publish, reminders, insights });

  app.addHook('onReady', async () => {
    publish.resume();
    reminders.start(deps.reminderTickMs ?? DEFAULT_REMINDER_TICK_MS);
  });
  app.addHook('onClose', async () => {
    await reminders.stop();
    await publish.stop();
  });
});
