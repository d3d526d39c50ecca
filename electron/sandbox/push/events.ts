/**
 * What happens on WeChat's side when a user follows, scans, unfollows or taps a menu: follow state changes and the
 * matching event is pushed to the account's server (§4.3, §5.2). Used by `events.fire` and by the simulated phone.
 */
import type { z } from 'zod';
import type { sandboxControl } from '../../../shared/wechat-sandbox/control';
import { unixSeconds } from '../clock';
import type { SandboxContext } from '../context';
import { SandboxError } from '../errors';
import { randomDigits } from '../state/ids';
import type { SandboxApp } from '../state/apps';
import { eventXml, type EventFields } from './event-xml';

export type FireInput = z.output<(typeof sandboxControl)['events.fire']['body']>;

export interface FiredEvent {
  deliveryId: string;
  /** The event actually pushed: a scan of a QR is `subscribe` or `SCAN` depending on follow state. */
  event: EventFields['event'];
}

/** The official account with push settings behind `appId`, or a control error saying what is missing. */
export function pushableApp(ctx: SandboxContext, appId: string): SandboxApp {
  const app = ctx.apps.get(appId);
  if (!app) throw new SandboxError('NOT_FOUND', `no app ${appId} in the sandbox`);
  if (app.kind !== 'officialAccount') throw new SandboxError('CONFLICT', `${appId} is a website app; only official accounts receive event pushes`);
  if (!app.push) throw new SandboxError('CONFLICT', `${appId} has no push settings (apps.put with push: { url, token, mode })`);
  return app;
}

export function fireEvent(ctx: SandboxContext, input: FireInput): FiredEvent {
  const app = pushableApp(ctx, input.appId);
  const user = ctx.users.get(input.userId);
  if (!user) throw new SandboxError('NOT_FOUND', `no sandbox user ${input.userId}`);
  const following = ctx.users.isFollowing(app.appId, user.id);
  const base = {
    toUserName: app.originalId ?? app.appId,
    fromUserName: ctx.users.openid(app.appId, user.id),
    createTime: unixSeconds(ctx.clock.now()),
  };

  let fields: EventFields;
  if ((input.event === 'subscribe' || input.event === 'SCAN') && input.ticket !== undefined) {
    const ticket = ctx.qr.get(input.ticket);
    if (!ticket || ticket.appId !== app.appId) throw new SandboxError('NOT_FOUND', `no QR ticket of ${app.appId} matches`);
    if (ctx.qr.isExpired(ticket)) throw new SandboxError('EXPIRED', 'the QR ticket has expired');
    // A follower who scans gets SCAN with the bare scene; anyone else follows, with the qrscene_ prefix (§4.3).
    fields = following
      ? { ...base, event: 'SCAN', eventKey: ticket.scene, ticket: ticket.ticket }
      : { ...base, event: 'subscribe', eventKey: `qrscene_${ticket.scene}`, ticket: ticket.ticket };
    ctx.users.setFollowing(app.appId, user.id, true);
  } else if (input.event === 'SCAN') {
    throw new SandboxError('INVALID_INPUT', 'SCAN needs the ticket of a parametric QR code');
  } else if (input.event === 'subscribe') {
    if (following) throw new SandboxError('CONFLICT', `${user.nickname} already follows ${app.name}`);
    fields = { ...base, event: 'subscribe' };
    ctx.users.setFollowing(app.appId, user.id, true);
  } else if (input.event === 'unsubscribe') {
    if (!following) throw new SandboxError('CONFLICT', `${user.nickname} does not follow ${app.name}`);
    fields = { ...base, event: 'unsubscribe' };
    ctx.users.setFollowing(app.appId, user.id, false);
  } else {
    if (!input.eventKey) throw new SandboxError('INVALID_INPUT', `${input.event} needs an eventKey (the menu key, or the URL for VIEW)`);
    fields = input.event === 'VIEW' ? { ...base, event: 'VIEW', eventKey: input.eventKey, menuId: randomDigits(9) } : { ...base, event: 'CLICK', eventKey: input.eventKey };
  }

  const deliveryId = ctx.deliveries.start({ app, openid: base.fromUserName, event: fields.event, xml: eventXml(fields) });
  return { deliveryId, event: fields.event };
}
