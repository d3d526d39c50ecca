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
