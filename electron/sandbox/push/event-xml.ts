/**
 * The XML WeChat pushes for events (§5.2) and its encrypted envelopes (§5.5).
 */

/** CDATA that survives a `]]>` inside the value. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export interface EventFields {
  /** The official account's original id (gh_…). */
  toUserName: string;
  /** The user's openid for this account. */
  fromUserName: string;
  /** Unix seconds. */
  createTime: number;
  event: 'subscribe' | 'unsubscribe' | 'SCAN' | 'CLICK' | 'VIEW';
  eventKey?: string;
  ticket?: string;
  menuId?: string;
}

/** The plaintext event message, fields in the order WeChat sends them. */
export function eventXml(fields: EventFields): string {
  const parts = [
    `<ToUserName>${cdata(fields.toUserName)}</ToUserName>`,
    `<FromUserName>${cdata(fields.fromUserName)}</FromUserName>`,
    `<CreateTime>${fields.createTime}</CreateTime>`,
    `<MsgType>${cdata('event')}</MsgType>`,
    `<Event>${cdata(fields.event)}</Event>`,
  ];
  if (fields.eventKey !== undefined) parts.push(`<EventKey>${cdata(fields.eventKey)}</EventKey>`);
  if (fields.ticket !== undefined) parts.push(`<Ticket>${cdata(fields.ticket)}</Ticket>`);
  if (fields.menuId !== undefined) parts.push(`<MenuId>${fields.menuId}</MenuId>`);
  return `<xml>${parts.join('')}</xml>`;
}

/** Safe mode: only ToUserName and Encrypt (§5.5). */
export function safeEnvelope(toUserName: string, encrypted: string): string {
  return `<xml><ToUserName>${cdata(toUserName)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt></xml>`;
}

/** Compatible mode: the plaintext fields with Encrypt beside them (§5.5), so either kind of receiver can read it. */
export function compatibleEnvelope(plainXml: string, encrypted: string): string {
  return plainXml.replace(/<\/xml>$/, `<Encrypt>${cdata(encrypted)}</Encrypt></xml>`);
}

/** The common head of every event message. */
function eventHead(toUserName: string, fromUserName: string, createTime: number, event: string): string {
  return (
    `<ToUserName>${cdata(toUserName)}</ToUserName><FromUserName>${cdata(fromUserName)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>`
  );
}

/**
 * PUBLISHJOBFINISH (§5.2, the observed sample): sent from the account itself (FromUserName is the account's
 * original id too), with PublishEventInfo; article_id and article_detail only on success, fail_idx otherwise.
 */
export function publishFinishXml(fields: {
  toUserName: string;
  createTime: number;
  publishId: string;
  publishStatus: number;
  articleId: string | null;
  articleUrls: string[];
  failIdx: number[];
}): string {
  let info = `<publish_id>${fields.publishId}</publish_id><publish_status>${fields.publishStatus}</publish_status>`;
  if (fields.articleId !== null) {
    info += `<article_id>${cdata(fields.articleId)}</article_id><article_detail><count>${fields.articleUrls.length}</count>`;
    info += fields.articleUrls.map((url, i) => `<item><idx>${i + 1}</idx><article_url>${cdata(url)}</article_url></item>`).join('');
    info += '</article_detail>';
  }
  if (fields.failIdx.length > 0) info += fields.failIdx.map((i) => `<fail_idx>${i}</fail_idx>`).join('');
  return `<xml>${eventHead(fields.toUserName, fields.toUserName, fields.createTime, 'PUBLISHJOBFINISH')}<PublishEventInfo>${info}</PublishEventInfo></xml>`;
}

/** TEMPLATESENDJOBFINISH (§5.2): `MsgID` in that casing, Status `success` / `failed:user block` / `failed: system failed`. */
export function templateFinishXml(fields: { toUserName: string; fromUserName: string; createTime: number; msgId: string; status: string }): string {
  return `<xml>${eventHead(fields.toUserName, fields.fromUserName, fields.createTime, 'TEMPLATESENDJOBFINISH')}<MsgID>${fields.msgId}</MsgID><Status>${cdata(fields.status)}</Status></xml>`;
}

/** subscribe_msg_sent_event (§7.2): the outcome of one bizsend, in a SubscribeMsgSentEvent list. */
export function subscribeSentXml(fields: { toUserName: string; fromUserName: string; createTime: number; msgId: string; templateId: string }): string {
  const item = `<TemplateId>${cdata(fields.templateId)}</TemplateId><MsgID>${fields.msgId}</MsgID><ErrorCode>0</ErrorCode><ErrorStatus>${cdata('success')}</ErrorStatus>`;
  return `<xml>${eventHead(fields.toUserName, fields.fromUserName, fields.createTime, 'subscribe_msg_sent_event')}<SubscribeMsgSentEvent><List>${item}</List></SubscribeMsgSentEvent></xml>`;
}
