/**
 * The application services, loaded after the infrastructure and before the routes: team, settings, audit log, the
 * WeChat client, scenes, events (whose queue resumes what a previous run left), bindings, and the content check
 * through the mini program (its own WeChat client and token).
 */
import type { FastifyInstance } from 'fastify';
import { AuditLog } from '../services/audit';
import { BindingService } from '../services/bindings';
import { ContentCheckService } from '../services/content-check';
import { EventService } from '../services/events';
import { SceneService } from '../services/scenes';
import { SettingsService } from '../services/settings';
import { SyncService } from '../services/sync';
import { SyncMediaStore } from '../services/sync-media';
import { TeamService } from '../services/team';
import { WechatClient } from '../wechat/client';
import { WXBizMsgCrypt } from '../wechat/msg-crypt';
import { plugin, type CompanionOptions, type EventCrypto } from './types';

export const services = plugin('companion-services', async (app: FastifyInstance, { config, deps }: CompanionOptions) => {
  const now = deps.now ?? (() => new Date());
  const db = app.db;
  const secrets = app.secrets;
  let listeningUrl: string | null = null;
  const publicBaseUrl = () => config.publicBaseUrl ?? listeningUrl ?? `http://${config.host}:${config.port}`;
  const log = (message: string, fields: Record<string, unknown> = {}) => app.log.warn(fields, message);

  const team = new TeamService(db, now);
  team.pruneExpiredCodes();
  if (deps.bootstrapPairingCode) team.registerBootstrapCode(deps.bootstrapPairingCode);

  const settings = new SettingsService(db, config, secrets, publicBaseUrl, now);
  const audit = new AuditLog(db, now);
  const wechat = new WechatClient({
    baseUrls: () => config.wechat.baseUrls,
    officialAccount: () => ({ appId: config.wechat.officialAccount.appId, appSecret: secrets.get('officialAccount.appSecret') }),
    audit,
    now,
    noProxy: config.sandbox,
    log,
    ...deps.wechat,
  });
  // The mini program has its own access token: a second client with the same audit log, limits and retries.
  const miniProgramWechat = new WechatClient({
    baseUrls: () => config.wechat.baseUrls,
    officialAccount: () => ({ appId: config.wechat.miniProgram.appId, appSecret: secrets.get('miniProgram.appSecret') }),
    audit,
    now,
    noProxy: config.sandbox,
    log,
    ...deps.wechat,
  });
  const contentCheck = new ContentCheckService({ db, client: miniProgramWechat, config, secrets, settings });
  const scenes = new SceneService(db, wechat, now);
  const sync = new SyncService(db, now);
  const events = new EventService(db, scenes, now, log);
  const bindings = new BindingService({
    db,
    team,
    wechat,
    secrets,
    settings,
    appIds: { officialAccount: config.wechat.officialAccount.appId, websiteApp: config.wechat.websiteApp.appId },
    publicBaseUrl,
    openBaseUrl: () => config.wechat.baseUrls.open,
    now,
  });

  // The push crypto is rebuilt only when a secret changes, not per request.
  let crypto: EventCrypto | null = null;
  const eventCrypto = (): EventCrypto => {
    if (crypto) return crypto;
    const oa = config.wechat.officialAccount;
    const token = secrets.get('officialAccount.token');
    const aesKey = secrets.get('officialAccount.encodingAesKey');
    let crypt: WXBizMsgCrypt | null = null;
    try {
      crypt = token && aesKey && oa.appId ? new WXBizMsgCrypt(token, aesKey, oa.appId) : null;
    } catch (error) {
      // A key that does not decode to 32 bytes: pushes in safe mode are refused (503) until it is fixed.
      app.log.error({ err: { message: (error as Error).message } }, 'the EncodingAESKey is not usable');
    }
    crypto = { appId: oa.appId, token, mode: oa.messageMode, crypt };
    return crypto;
  };
  secrets.onChange((names) => {
    // A new AppSecret invalidates nothing at WeChat's end by itself, but a token fetched with the old one is suspect.
    if (names.includes('miniProgram.appSecret')) miniProgramWechat.tokens.reset();
    if (names.every((n) => n.startsWith('pay.') || n.startsWith('miniProgram.'))) return;
    crypto = null;
    wechat.tokens.reset();
  });

  app.decorate('companion', {
    config,
    now,
    publicBaseUrl,
    setListeningUrl: (url: string) => {
      listeningUrl = url;
    },
    team,
    settings,
    audit,
    wechat,
    scenes,
    events,
    bindings,
    contentCheck,
    eventCrypto,
    sync,
    syncMedia: new SyncMediaStore(config.dataDir),
  });

  app.addHook('onReady', async () => {
    events.resume();
  });
  // Before the server waits for requests in flight: a long-polling pull answers now instead of holding the close.
  app.addHook('preClose', async () => {
    sync.stop();
  });
  app.addHook('onClose', async () => {
    await events.stop();
  });
});
