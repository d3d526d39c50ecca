/**
 * Live reminders (wechat-protocols.md §7): before a 直播 course starts, one template or subscribe message to each
 * buyer (the course's enrolments from WeChat Pay, not revoked by a refund). The rules kept:
 *
 * - one message per buyer per schedule (a row per recipient; template sends carry a client_msg_id, so a retry after
 *   a crash within 10 minutes is not sent twice, §7.1);
 * - template messages reach followers only (43004 → notFollowing); a subscribe message needs a one-time consent
 *   (43101 → notSubscribed);
 * - WeChat's daily quota (45009): the run stops, the rest wait for midnight Beijing time (quotaWait) and go out then
 *   if the start has not passed; nothing is sent after the start (missed);
 * - outcomes come back as TEMPLATESENDJOBFINISH (by MsgID) and subscribe_msg_sent_event.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { REMINDER_SEND_STATES, maskOpenid, type createReminderSchema, type Reminder } from '../../../shared/companion/api';
import { CompanionError, isCompanionError } from '../errors';
import type { WechatClient } from '../wechat/client';
import { nextBeijingMidnight } from '../wechat/errors';
import type { Processed } from './events';
import { newId } from './ids';

type CreateInput = z.output<typeof createReminderSchema>;
type SendState = (typeof REMINDER_SEND_STATES)[number];

interface ScheduleRow {
  id: string;
  course_id: string;
  course_title: string;
  kind: 'template' | 'subscribe';
  template_id: string;
  data_json: string;
  url: string | null;
  starts_at: string;
  send_at: string;
  state: Reminder['state'];
  retry_at: string | null;
}

interface SendRow {
  openid: string;
  state: SendState;
  msg_id: string | null;
  errcode: number | null;
  status: string | null;
}

/** When a network failure interrupts a run, it is tried again this much later. */
const RETRY_AFTER_MS = 60_000;

export class ReminderService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly wechat: WechatClient,
    private readonly now: () => Date,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  create(input: CreateInput, memberId: string | null): Reminder {
    const startsAt = new Date(input.startsAt);
    const now = this.now();
    if (startsAt.getTime() <= now.getTime()) throw new CompanionError('INVALID_INPUT', 'The live session has already started', { field: 'startsAt' });
    // A lead longer than the time left sends at once: still before the start.
    const sendAt = new Date(Math.max(now.getTime(), startsAt.getTime() - input.leadMinutes * 60_000));
    // The same reminder asked for twice (a double click, a retried request) is the one schedule: buyers get it once.
    const same = this.db
      .prepare<[string, string, string, string, string], { id: string }>(
        `SELECT id FROM reminder_schedules WHERE course_id = ? AND kind = ? AND template_id = ? AND starts_at = ? AND send_at = ? AND state != 'cancelled'`,
      )
      .get(input.courseId, input.kind, input.templateId, startsAt.toISOString(), sendAt.toISOString());
    if (same) return this.get(same.id);
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO reminder_schedules (id, course_id, course_title, kind, template_id, data_json, url, starts_at, send_at, state, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)`,
      )
      .run(id, input.courseId, input.courseTitle, input.kind, input.templateId, JSON.stringify(input.data), input.url ?? null, startsAt.toISOString(), sendAt.toISOString(), memberId, now.toISOString(), now.toISOString());
    return this.get(id);
  }

  get(id: string): Reminder {
    const row = this.db.prepare<[string], ScheduleRow>('SELECT * FROM reminder_schedules WHERE id = ?').get(id);
    if (!row) throw new CompanionError('NOT_FOUND', `No reminder ${id}`);
    return this.toReminder(row);
  }

  list(courseId: string): { items: Reminder[] } {
    const rows = this.db.prepare<[string], ScheduleRow>('SELECT * FROM reminder_schedules WHERE course_id = ? ORDER BY starts_at, created_at').all(courseId);
    return { items: rows.map((r) => this.toReminder(r)) };
  }

  cancel(id: string): Reminder {
    const row = this.db.prepare<[string], ScheduleRow>('SELECT * FROM reminder_schedules WHERE id = ?').get(id);
    if (!row) throw new CompanionError('NOT_FOUND', `No reminder ${id}`);
    if (row.state === 'done' || row.state === 'sending') throw new CompanionError('CONFLICT', `The reminder is ${row.state}`);
    this.db.prepare("UPDATE reminder_schedules SET state = 'cancelled', updated_at = ? WHERE id = ?").run(this.now().toISOString(), id);
    return this.get(id);
  }

  /** Checks for due schedules every `intervalMs`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runDue(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every schedule whose time has come; one run at a time. */
  runDue(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Records a delivery outcome pushed by WeChat. */
  onEvent(processed: Processed): void {
    const at = this.now().toISOString();
    if (processed.kind === 'templateSent' && typeof processed.msgId === 'string') {
      this.db
        .prepare("UPDATE reminder_sends SET state = ?, status = ?, updated_at = ? WHERE msg_id = ? AND state = 'sent'")
        .run(processed.ok ? 'delivered' : 'failed', String(processed.status ?? ''), at, processed.msgId);
    }
    if (processed.kind === 'subscribeSent' && Array.isArray(processed.items)) {
      // bizsend answers no msgid: the event's MsgID is recorded on the oldest sent message of that template (one per
      // recipient and schedule, so a user has at most one waiting per live session).
      for (const item of processed.items as { templateId: string | null; msgId: string | null; ok: boolean; status: string | null }[]) {
        const from = typeof processed.openid === 'string' ? processed.openid : null;
        if (!from || !item.templateId) continue;
        this.db
          .prepare(
            `UPDATE reminder_sends SET state = ?, status = ?, msg_id = ?, updated_at = ?
              WHERE rowid = (SELECT s.rowid FROM reminder_sends s JOIN reminder_schedules r ON r.id = s.schedule_id
                              WHERE s.openid = ? AND r.template_id = ? AND r.kind = 'subscribe' AND s.state = 'sent' ORDER BY s.updated_at LIMIT 1)`,
          )
          .run(item.ok ? 'delivered' : 'failed', item.status ?? '', item.msgId, at, from, item.templateId);
      }
    }
  }

  private async runAll(): Promise<void> {
    const now = this.now().toISOString();
    const due = this.db
      .prepare<[string, string], ScheduleRow>(
        `SELECT * FROM reminder_schedules WHERE state IN ('scheduled', 'quotaWait') AND send_at <= ? AND (retry_at IS NULL OR retry_at <= ?) ORDER BY send_at`,
      )
      .all(now, now);
    for (const schedule of due) {
      try {
        await this.run(schedule);
      } catch (error) {
        this.log('reminder run failed', { reminderId: schedule.id, error: (error as Error).message });
      }
    }
  }

  private async run(schedule: ScheduleRow): Promise<void> {
    const setSchedule = (state: Reminder['state'], retryAt: string | null) =>
      this.db.prepare('UPDATE reminder_schedules SET state = ?, retry_at = ?, updated_at = ? WHERE id = ?').run(state, retryAt, this.now().toISOString(), schedule.id);
    const setSend = (openid: string, state: SendState, extra: { msgId?: string | null; errcode?: number | null } = {}) =>
      this.db
        .prepare('UPDATE reminder_sends SET state = ?, msg_id = coalesce(?, msg_id), errcode = ?, updated_at = ? WHERE schedule_id = ? AND openid = ?')
        .run(state, extra.msgId ?? null, extra.errcode ?? null, this.now().toISOString(), schedule.id, openid);

    setSchedule('sending', null);
    // Buyers as they are now: someone who bought after the schedule was made is reminded too; a refunded one is not.
    const insert = this.db.prepare(
      `INSERT INTO reminder_sends (schedule_id, openid, state, updated_at)
       SELECT DISTINCT ?, openid, 'pending', ? FROM enrolments WHERE course_id = ? AND revoked_at IS NULL
       ON CONFLICT DO NOTHING`,
    );
    insert.run(schedule.id, this.now().toISOString(), schedule.course_id);
    const waiting = this.db
      .prepare<[string], SendRow>("SELECT openid, state, msg_id, errcode, status FROM reminder_sends WHERE schedule_id = ? AND state IN ('pending', 'quotaWait') ORDER BY openid")
      .all(schedule.id);
    const data = Object.fromEntries(Object.entries(JSON.parse(schedule.data_json) as Record<string, string>).map(([k, value]) => [k, { value }]));

    for (const [index, send] of waiting.entries()) {
      if (this.now().getTime() >= Date.parse(schedule.starts_at)) {
        for (const rest of waiting.slice(index)) setSend(rest.openid, 'missed');
        break;
      }
      try {
        if (schedule.kind === 'template') {
          const answer = await this.wechat.call<{ msgid?: number | string }>({
            method: 'POST',
            path: '/cgi-bin/message/template/send',
            accessToken: true,
            body: {
              touser: send.openid,
              template_id: schedule.template_id,
              ...(schedule.url ? { url: schedule.url } : {}),
              client_msg_id: clientMsgId(schedule.id, send.openid),
              data,
            },
          });
          setSend(send.openid, 'sent', { msgId: answer.msgid === undefined ? null : String(answer.msgid) });
        } else {
          await this.wechat.call({
            method: 'POST',
            path: '/cgi-bin/message/subscribe/bizsend',
            accessToken: true,
            body: { touser: send.openid, template_id: schedule.template_id, ...(schedule.url ? { page: schedule.url } : {}), data },
          });
          setSend(send.openid, 'sent');
        }
      } catch (error) {
        if (!isCompanionError(error)) throw error;
        const errcode = typeof error.details?.errcode === 'number' ? error.details.errcode : null;
        if (errcode === 45009 || error.code === 'RATE_LIMITED') {
          for (const rest of waiting.slice(index)) setSend(rest.openid, 'quotaWait', { errcode });
          const retryAt = errcode === 45009 ? nextBeijingMidnight(this.now()) : new Date(this.now().getTime() + RETRY_AFTER_MS);
          setSchedule('quotaWait', retryAt.toISOString());
          return;
        }
        if (error.code === 'WECHAT_UNREACHABLE') {
          setSchedule('scheduled', new Date(this.now().getTime() + RETRY_AFTER_MS).toISOString());
          return;
        }
        setSend(send.openid, errcode === 43004 ? 'notFollowing' : errcode === 43101 ? 'notSubscribed' : 'failed', { errcode });
      }
    }
    setSchedule('done', null);
  }

  private toReminder(row: ScheduleRow): Reminder {
    const sends = this.db.prepare<[string], SendRow>('SELECT openid, state, msg_id, errcode, status FROM reminder_sends WHERE schedule_id = ? ORDER BY openid').all(row.id);
    const counts = Object.fromEntries(REMINDER_SEND_STATES.map((s) => [s, 0])) as Record<SendState, number>;
    for (const s of sends) counts[s.state] += 1;
    return {
      id: row.id,
      courseId: row.course_id,
      courseTitle: row.course_title,
      kind: row.kind,
      templateId: row.template_id,
      startsAt: row.starts_at,
      sendAt: row.send_at,
      state: row.state,
      retryAt: row.retry_at,
      counts,
      recipients: sends.map((s) => ({ openidMasked: maskOpenid(s.openid), state: s.state, errcode: s.errcode, status: s.status })),
    };
  }
}

/** A stable client_msg_id per schedule and buyer (WeChat de-duplicates on it for 10 minutes, §7.1). */
export function clientMsgId(scheduleId: string, openid: string): string {
  return `rem_${createHash('sha256').update(`${scheduleId}:${openid}`).digest('hex').slice(0, 28)}`;
}
