/**
 * Pushed messages and events (wechat-protocols.md §5): stored first — raw XML and parsed fields, under a unique
 * de-duplication key, so WeChat's retries of one push are stored once — then processed from an in-process queue
 * after the `success` answer has gone out. Events left unprocessed by a crash are picked up again at start.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { maskOpenid, type wechatEventSchema } from '../../../shared/companion/api';
import { textOf, type XmlNode } from '../wechat/xml';
import { newId } from './ids';
import type { SceneService } from './scenes';

export type WechatEvent = z.infer<typeof wechatEventSchema>;

/** §5.2: the PUBLISHJOBFINISH name is reported three ways; all mean "a publish or mass send finished". */
export const PUBLISH_FINISH_EVENTS = new Set(['PUBLISHJOBFINISH', 'FREEPUBLISHJOBFINISH', 'MASSSENDJOBFINISH']);

export class EventShapeError extends Error {}

/** The article URLs of a PublishEventInfo, in idx order (`item` is one element or several). */
function articleUrlsOf(info: XmlNode): string[] {
  const detail = info.article_detail;
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return [];
  const items = Array.isArray(detail.item) ? detail.item : detail.item ? [detail.item] : [];
  return items
    .filter((i): i is XmlNode => typeof i === 'object')
    .map((i) => ({ idx: Number(textOf(i, 'idx') ?? 0), url: textOf(i, 'article_url') }))
    .filter((i): i is { idx: number; url: string } => Boolean(i.url))
    .sort((a, b) => a.idx - b.idx)
    .map((i) => i.url);
}

/** What processing found, added to the stored parsed fields. */
export interface Processed {
  kind: 'follow' | 'unfollow' | 'scan' | 'menuClick' | 'menuView' | 'templateSent' | 'subscribeSent' | 'publishFinished' | 'message' | 'other';
  sceneStr?: string | null;
  [fact: string]: unknown;
}

interface EventRow {
  id: string;
  received_at: string;
  from_user: string;
  msg_type: string;
  event: string | null;
  event_key: string | null;
  scene_str: string | null;
  processed_at: string | null;
  owner_kind: string | null;
  owner_id: string | null;
}

interface StoredRow {
  id: string;
  msg_type: string;
  event: string | null;
  event_key: string | null;
  parsed_json: string;
}

export class EventService {
  private readonly queue: string[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;
  private readonly insert;
  private readonly selectStored;
  private readonly markProcessed;
  private readonly markFailed;
  private readonly processQueued;
  private readonly listeners: ((event: { id: string; processed: Processed }) => void)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly scenes: SceneService,
    private readonly now: () => Date,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {
    this.insert = db.prepare(
      `INSERT INTO events (id, dedupe_key, received_at, to_user, from_user, create_time, msg_type, event, event_key, msg_id, raw_xml, parsed_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    this.selectStored = db.prepare<[string], StoredRow>('SELECT id, msg_type, event, event_key, parsed_json FROM events WHERE id = ?');
    this.markProcessed = db.prepare('UPDATE events SET scene_str = ?, processed_at = ?, parsed_json = ? WHERE id = ?');
    this.markFailed = db.prepare('UPDATE events SET processed_at = ?, process_error = ? WHERE id = ?');
    // Everything queued is processed in one transaction: one commit per batch instead of one per event. Should the
    // database itself fail mid-batch, the batch rolls back and stays unprocessed; `resume` picks it up at next start.
    this.processQueued = db.transaction(() => {
      while (this.queue.length > 0 && !this.stopped) {
        const id = this.queue.shift()!;
        try {
          this.processOne(id);
        } catch (error) {
          this.log('event processing failed', { eventId: id, error: (error as Error).message });
          this.markFailed.run(this.now().toISOString(), (error as Error).message, id);
        }
      }
    });
  }

  /**
   * Stores one push (its plaintext XML and parsed `<xml>`), unless it is a retry of one already stored; queues it
   * for processing. Returns whether it was new.
   */
  ingest(rawXml: string, node: XmlNode): { stored: boolean; id: string | null } {
    const to = textOf(node, 'ToUserName');
    const from = textOf(node, 'FromUserName');
    const createTime = textOf(node, 'CreateTime');
    const msgType = textOf(node, 'MsgType');
    if (!to || !from || !createTime || !/^\d{1,12}$/.test(createTime) || !msgType) {
      throw new EventShapeError('A push needs ToUserName, FromUserName, a numeric CreateTime and MsgType');
    }
    const event = textOf(node, 'Event');
    const msgId = textOf(node, 'MsgId');
    // §5.3: messages carry MsgId; events are de-duplicated by sender and creation time. The event name is part of the
    // key too: a retry repeats it exactly, while two different events of one user in the same second (a follow and
    // then a SCAN) are both real and must both be kept.
    const dedupeKey = msgId ? `msg:${msgId}` : `evt:${from}:${createTime}:${event ?? msgType}`;
    const id = newId();
    const result = this.insert.run(
      id,
      dedupeKey,
      this.now().toISOString(),
      to,
      from,
      Number(createTime),
      msgType,
      event,
      textOf(node, 'EventKey'),
      msgId,
      rawXml,
      JSON.stringify(node),
    );
    if (result.changes === 0) return { stored: false, id: null };
    this.enqueue(id);
    return { stored: true, id };
  }

  /** Queues every event a previous run stored but did not process. */
  resume(): void {
    for (const { id } of this.db.prepare<[], { id: string }>('SELECT id FROM events WHERE processed_at IS NULL ORDER BY received_at').all()) this.enqueue(id);
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    if (!this.draining && !this.stopped) this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    // After the answer: ingest returns, the route sends `success`, and only then does processing start.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      this.processQueued();
    } finally {
      this.draining = null;
      if (this.queue.length > 0 && !this.stopped) this.draining = this.drain();
    }
  }

  /** Resolves when every queued event has been processed (tests wait on this instead of sleeping). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  onProcessed(listener: (event: { id: string; processed: Processed }) => void): void {
    this.listeners.push(listener);
  }

  private processOne(id: string): void {
    const row = this.selectStored.get(id);
    if (!row) return;
    const node = JSON.parse(row.parsed_json) as XmlNode;
    const processed = this.classify(row, node);
    this.markProcessed.run(processed.sceneStr ?? null, this.now().toISOString(), JSON.stringify({ ...node, _processed: processed }), id);
    for (const listener of this.listeners) listener({ id, processed });
  }

  private classify(row: StoredRow, node: XmlNode): Processed {
    if (row.msg_type !== 'event') return { kind: 'message', msgType: row.msg_type };
    const event = row.event ?? '';
    const key = row.event_key;
    const ticket = textOf(node, 'Ticket');
    switch (event) {
      case 'subscribe': {
        // §4.3: a follow through a parametric QR code carries EventKey `qrscene_<scene>`; a plain follow has none.
        const scene = key?.startsWith('qrscene_') ? this.scenes.find(key.slice('qrscene_'.length), ticket) : null;
        return { kind: 'follow', viaQr: Boolean(key?.startsWith('qrscene_')), sceneStr: scene?.sceneStr ?? null, owner: scene?.owner ?? null };
      }
      case 'unsubscribe':
        return { kind: 'unfollow' };
      case 'SCAN': {
        const scene = this.scenes.find(key, ticket);
        return { kind: 'scan', sceneStr: scene?.sceneStr ?? null, owner: scene?.owner ?? null };
      }
      case 'CLICK':
        return { kind: 'menuClick', menuKey: key };
      case 'VIEW':
        return { kind: 'menuView', url: key, menuId: textOf(node, 'MenuId') };
      case 'subscribe_msg_sent_event': {
        // §7.2: one List per message (several when WeChat batches them), each with TemplateId, MsgID and ErrorCode.
        const sent = node.SubscribeMsgSentEvent;
        const lists = sent && typeof sent === 'object' && !Array.isArray(sent) ? sent.List : undefined;
        const items = (Array.isArray(lists) ? lists : lists ? [lists] : []).filter((l): l is XmlNode => typeof l === 'object');
        return {
          kind: 'subscribeSent',
          openid: textOf(node, 'FromUserName'),
          items: items.map((l) => ({ templateId: textOf(l, 'TemplateId'), msgId: textOf(l, 'MsgID'), ok: textOf(l, 'ErrorCode') === '0', status: textOf(l, 'ErrorStatus') })),
        };
      }
      case 'TEMPLATESENDJOBFINISH': {
        const status = textOf(node, 'Status') ?? '';
        return { kind: 'templateSent', msgId: textOf(node, 'MsgID'), ok: status === 'success', status };
      }
      default:
        if (PUBLISH_FINISH_EVENTS.has(event)) {
          const info = node.PublishEventInfo;
          const publish = info && typeof info === 'object' && !Array.isArray(info) ? info : null;
          return {
            kind: 'publishFinished',
            event,
            publishId: publish ? textOf(publish, 'publish_id') : null,
            publishStatus: publish ? Number(textOf(publish, 'publish_status')) : null,
            articleId: publish ? textOf(publish, 'article_id') : null,
            articleUrls: publish ? articleUrlsOf(publish) : [],
            msgId: textOf(node, 'MsgID'),
            status: textOf(node, 'Status'),
          };
        }
        return { kind: 'other', event };
    }
  }

  list(filter: { type?: string | undefined; limit: number; offset: number }): { items: WechatEvent[]; total: number } {
    const where = filter.type ? 'WHERE lower(coalesce(e.event, e.msg_type)) = lower(?)' : '';
    const args = filter.type ? [filter.type] : [];
    const rows = this.db
      .prepare<unknown[], EventRow>(
        `SELECT e.id, e.received_at, e.from_user, e.msg_type, e.event, e.event_key, e.scene_str, e.processed_at, s.owner_kind, s.owner_id
         FROM events e LEFT JOIN scenes s ON s.scene_str = e.scene_str ${where}
         ORDER BY e.received_at DESC, e.rowid DESC LIMIT ? OFFSET ?`,
      )
      .all(...args, filter.limit, filter.offset);
    const { n } = this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM events e ${where}`).get(...args)!;
    return {
      items: rows.map((r) => ({
        id: r.id,
        receivedAt: r.received_at,
        msgType: r.msg_type,
        event: r.event,
        eventKey: r.event_key,
        openidMasked: maskOpenid(r.from_user),
        scene: r.owner_kind ? `${r.owner_kind}:${r.owner_id}` : null,
        processed: r.processed_at !== null,
      })),
      total: n,
    };
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events').get()!.n;
  }
}
