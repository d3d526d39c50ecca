/**
 * The studio host: owns the workspace (database, media, settings) and answers every contract method through one
 * `dispatch`. Both adapters — Electron IPC and loopback HTTP — call this and nothing else.
 */
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import {
  StudioError,
  isMethodName,
  methods,
  type EventEnvelope,
  type EventName,
  type EventPayload,
  type FieldProblem,
  type HandlerInput,
  type MethodName,
  type MethodOutput,
  type CompanionStatus,
  type Result,
  type WorkspaceStatus,
} from '../../shared/contract/index';
import { CourseService } from './services/courses';
import { MediaService } from './services/media';
import { MediaLibrary } from './services/media-library';
import { mediaHandlers } from './services/media-handlers';
import { PreviewService } from './services/preview';
import { ComplianceService } from './services/compliance';
import { LessonBodyService } from './services/lesson-bodies';
import { LessonBodyVersionService } from './services/lesson-body-versions';
import { complianceHandlers } from './services/compliance-handlers';
import { libraryHandlers } from './services/library-handlers';
import { PackageService } from './services/packages';
import { PackageJobs, type HostFilePicker } from './services/package-jobs';
import { SearchIndex } from './services/search';
import { SyncService, remoteOver, type SyncRemote } from './services/sync';
import { SyncMedia, mediaRemoteAt, type SyncMediaRemote } from './services/sync-media';
import { VersionService } from './services/versions';
import { FunnelService } from './services/funnels';
import { CompanionCache } from './services/companion-cache';
import { PublishingService } from './services/publishing';
import { REMINDER_PRESETS } from '../../shared/domain/course-types';
import { PosterService, type PosterCompanion } from './services/posters';
import { BatchRunner } from './services/poster-batch';
import { SettingsService, confSettingsBackend, type SettingsBackend } from './settings/settings-store';
import { isDamageError, moveAside, openWorkspaceDatabase, type OpenOptions } from './store/database';
import { quote as quoteOrder } from '../../shared/domain/pricing';
import { APP_NAME, APP_VERSION } from './app-meta';
import { AvatarCache } from './companion-link/avatar-cache';
import type { CliLauncher } from './companion-link/child-service';
import { CompanionLink, type LinkStatus } from './companion-link/companion-link';
import { secondOpinion } from './companion-link/second-opinion';
import type { Sealer } from './companion-link/secret-box';

export interface HostOptions {
  dataDir: string;
  shell: 'desktop' | 'browser';
  /** electron-store inside Electron; conf in the data folder when omitted. */
  settings?: SettingsBackend;
  /** An Electron-ABI better-sqlite3 addon, passed by the Electron main process only. */
  nativeBinding?: string;
  /**
   * Run the companion and the WeChat sandbox embedded (child processes started with `launcher`), sealing the
   * studio's secrets with `sealer`. Omitted or null: no companion (team features answer OFFLINE).
   */
  companion?: { launcher: CliLauncher; sealer: Sealer } | null;
  /** Native save and open dialogs (the Electron main process); without them packages download and upload (browser mode). */
  files?: HostFilePicker | null;
  /** Check every answer against the contract's output schema (tests turn this on). */
  checkOutputs?: boolean;
  /**
   * Team sync. `remote` replaces the companion link as the companion to sync with (tests: a companion of their own);
   * `auto: false` leaves syncing to `sync.now` (deterministic tests); the rest tunes backoff and the long poll.
   */
  sync?: { remote?: SyncRemote | null; media?: SyncMediaRemote | null; auto?: boolean; random?: () => number; backoff?: { baseMs: number; maxMs: number }; longPollMs?: number };
  now?: () => Date;
  log?: (line: string) => void;
}

export interface CallContext {
  /** Which adapter the call came through; later issues use it for roles and auditing. */
  via: 'ipc' | 'http' | 'direct';
}

type Handlers = {
  [M in MethodName]: (input: HandlerInput<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

/** Methods that work while the workspace database is unavailable: the UI can explain and recover, the team works. */
const WITHOUT_WORKSPACE = new Set<MethodName>([
  'app.info',
  'settings.get',
  'settings.update',
  'workspace.status',
  'workspace.startFresh',
  'companion.status',
  'companion.connect',
  'companion.useEmbedded',
  'team.members',
  'team.setRole',
  'team.unbind',
  'team.startBinding',
  'team.binding',
  'team.settings',
  'team.updateSettings',
  'wechatEvents.list',
  'audit.list',
  'audit.exportCsv',
  'pay.settings',
  'pay.updateSettings',
  'pay.test',
  'orders.list',
  'orders.get',
  'orders.query',
  'orders.close',
  'orders.refund',
  'orders.exportCsv',
  'compliance.secondOpinion',
]);

export interface StudioHost {
  dispatch(method: string, input: unknown, ctx?: CallContext): Promise<Result<unknown>>;
  on(listener: (event: EventEnvelope) => void): () => void;
  status(): WorkspaceStatus;
  /** The file behind a media hash, for the adapters' image routes; null when unknown. */
  mediaFile(hash: string): { file: string; mime: string } | null;
  /** A finished browser-mode package export for the download route; `done` removes it once sent. */
  packageDownload(id: string): { file: string; fileName: string; done: () => void } | null;
  /** Closes the database and stops the embedded companion and sandbox. */
  close(): Promise<void>;
}

interface Workspace {
  db: Database.Database;
  courses: CourseService;
  media: MediaService;
  library: MediaLibrary;
  compliance: ComplianceService;
  preview: PreviewService;
  lessonBodies: LessonBodyService;
  lessonVersions: LessonBodyVersionService;
  search: SearchIndex;
  versions: VersionService;
  packages: PackageService;
  sync: SyncService;
  packageJobs: PackageJobs;
  funnels: FunnelService;
  /** The offline copy of the team's orders, members, events, sales and funnel facts. */
  cache: CompanionCache;
  publishing: PublishingService;
  posters: PosterService;
}

export function createStudioHost(options: HostOptions): StudioHost {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const settings = new SettingsService(options.settings ?? confSettingsBackend(options.dataDir));
  const listeners = new Set<(event: EventEnvelope) => void>();
  const openOptions: OpenOptions = { now };
  if (options.nativeBinding) openOptions.nativeBinding = options.nativeBinding;

  let link: CompanionLink | null = null;
  const linkRemote = remoteOver({ call: (name, parts) => requireLink().call(name, parts) });
  const linkMediaRemote = mediaRemoteAt(() => link?.endpoint() ?? null);
  const avatars = new AvatarCache();
  const posterBatches = new BatchRunner((progress) => emit('posters.batchProgressed', progress), log);
  /** Tracking QRs become parametric official-account QRs while a companion is bound and ready. */
  const posterCompanion: PosterCompanion = {
    ready: () => link !== null && link.status().state === 'ready',
    createScene: async (ownerKind, ownerId) => (await requireLink().call('scenes.create', { body: { ownerKind, ownerId } })).url,
    members: async () => {
      const { items } = await requireLink().call('members.list');
      return Promise.all(
        items.map(async (m) => ({ id: m.id, nickname: m.wechat?.nickname || m.name, avatar: m.wechat ? await avatars.dataUrl(m.wechat.avatarUrl) : '' })),
      );
    },
  };
  let workspace: Workspace | null = null;
  let status: WorkspaceStatus;
  let recoveredFrom: string | null = null;

  function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of listeners) listener({ event, payload } as EventEnvelope);
  }

  function open(): void {
    const result = openWorkspaceDatabase(options.dataDir, openOptions);
    if (result.state === 'ready') {
      if (result.upgradedFrom !== null) log(`workspace upgraded from schema ${result.upgradedFrom}; backup at ${result.backup}`);
      const search = new SearchIndex(result.db);
      const versions = new VersionService(result.db, now);
      const sync = new SyncService(result.db, {
        remote: syncRemote,
        now,
        log,
        progressed: (s) => emit('sync.progressed', s),
        // Each course the team changed, up to a bound: a first sync of thousands would otherwise flood every window.
        applied: (ids) => ids.slice(0, 50).forEach((id) => emit('courses.changed', { id, version: 0, deleted: false })),
        ...(options.sync?.random ? { random: options.sync.random } : {}),
        ...(options.sync?.backoff ? { backoff: options.sync.backoff } : {}),
        ...(options.sync?.longPollMs ? { longPollMs: options.sync.longPollMs } : {}),
      });
      // Search, versions and sync follow every course write inside its transaction.
      const courses = new CourseService(
        result.db,
        now,
        (course, change) => {
          search.update(course);
          versions.afterWrite(course, change);
          sync.courseWritten(course.id);
        },
        (id, deleted) => sync.courseTrashed(id, deleted),
      );
      versions.connect({ getCourse: (id) => courses.get(id), saveCourse: (input) => courses.save(input) });
      const lessonVersions = new LessonBodyVersionService(result.db, now);
      const lessonBodies = new LessonBodyService(result.db, now, (courseId, lessonId, html, version) => {
        search.updateBody(courseId, lessonId, html);
        lessonVersions.afterWrite({ courseId, lessonId, html, version });
        sync.bodyWritten(courseId, lessonId);
      });
      sync.connect({ courses, lessonBodies, versions, lessonVersions, search });
      lessonVersions.connect({ getBody: (c, l) => lessonBodies.get(c, l), saveBody: (input) => lessonBodies.save(input) });
      const media = new MediaService(result.db, options.dataDir, now);
      const compliance = new ComplianceService(result.db, courses, { now, lessonBodies: (id) => lessonBodies.htmlOfCourse(id) });
      workspace = {
        db: result.db,
        courses,
        lessonBodies,
        lessonVersions,
        media,
        library: new MediaLibrary(result.db, media, { now, log, changed: (hash, deleted) => emit('media.changed', { hash, deleted }) }),
        compliance,
        preview: new PreviewService(result.db, media, now),
        search,
        versions,
        cache: new CompanionCache(result.db),
        publishing: new PublishingService({
          db: result.db,
          getCourse: (id) => courses.get(id),
          bodiesOf: (id) => lessonBodies.htmlOfCourse(id),
          locateMedia: (hash) => media.locate(hash),
          assertPublishable: (id) => void requireWorkspace().compliance.assertPublishable(id),
          snapshotBeforeSync: (id) => void versions.snapshotCourse(id, 'beforeSync'),
          createJob: (body) => requireLink().call('publish.create', { body }),
          getJob: (id) => requireLink().call('publish.get', { params: { id } }),
          latestJob: async (courseId) => (await requireLink().call('publish.list', { query: { courseId, limit: 1 } })).items[0] ?? null,
          changed: (courseId, job) => emit('publish.changed', { courseId, job }),
          now,
          log,
        }),
        packages: new PackageService({
          db: result.db,
          dataDir: options.dataDir,
          media,
          versions,
          getCourse: (id) => courses.get(id),
          createCourse: (input) => courses.create(input),
          saveCourse: (input) => courses.save(input),
          bodiesOf: (id) => lessonBodies.htmlOfCourse(id),
          saveBody: (input) => lessonBodies.save(input),
          now,
        }),
        sync,
        packageJobs: new PackageJobs({
          dataDir: options.dataDir,
          files: options.files ?? null,
          progressed: (jobId, progress) => emit('packages.progressed', { jobId, ...progress }),
        }),
        // Exports scan each step's text with the workspace's compliance scanner (rules plus team lists).
        funnels: new FunnelService(result.db, now, (text) => requireWorkspace().compliance.scanText(text)),
        posters: new PosterService({
          db: result.db,
          dataDir: options.dataDir,
          media,
          scanner: () => compliance.workspaceScanner(),
          companion: posterCompanion,
          batch: posterBatches,
          now,
        }),
      };
      sync.attachMedia(
        new SyncMedia(result.db, {
          remote: syncMediaRemote,
          library: workspace.library,
          media,
          log,
          coverArrived: (id, hash, crops) => sync.coverArrived(id, hash, crops),
          imageArrived: (hash) => lessonBodies.imageArrived(hash),
          ...(options.sync?.random ? { random: options.sync.random } : {}),
          ...(options.sync?.backoff ? { backoff: options.sync.backoff } : {}),
        }),
      );
      status = { state: 'ready', dataDir: options.dataDir, recoveredFrom };
      if (options.sync?.auto !== false) sync.start();
    } else if (result.state === 'corrupt') {
      log(`workspace database is damaged: ${result.reason}`);
      status = { state: 'corrupt', dataDir: options.dataDir, file: result.file, reason: result.reason };
    } else {
      log(`workspace database is from a newer version (${result.fileVersion} > ${result.supportedVersion}); not opened`);
      status = { ...result, dataDir: options.dataDir };
    }
  }

  /** The companion team sync talks to: the one given for tests, else the companion link (null when there is none). */
  function syncRemote(): SyncRemote | null {
    if (options.sync?.remote !== undefined) return options.sync.remote;
    return link ? linkRemote : null;
  }

  /** The companion's media routes: the test's, else over the companion link's endpoint. */
  function syncMediaRemote(): SyncMediaRemote | null {
    if (options.sync?.media !== undefined) return options.sync.media;
    return link ? linkMediaRemote : null;
  }

  function requireWorkspace(): Workspace {
    if (!workspace) throw new StudioError('WORKSPACE_UNAVAILABLE', `The workspace is not available (${status.state})`);
    return workspace;
  }

  /** A damage error met while serving a call: close the database and tell every window, which offers a fresh start. */
  function markDamaged(error: Error & { code: string }): void {
    const file = workspace ? workspace.db.name : '';
    workspace?.sync.stop();
    void workspace?.library.close();
    void workspace?.packageJobs.close();
    try {
      workspace?.db.close();
    } catch {
      // Closing a damaged database can fail too; the state change below is what matters.
    }
    workspace = null;
    status = { state: 'corrupt', dataDir: options.dataDir, file, reason: `${error.code}: ${error.message}` };
    emit('workspace.changed', status);
  }

  const companionStatus = (): CompanionStatus => {
    if (!link) return { mode: 'off', state: 'stopped', sandbox: false, companionUrl: null, phoneUrl: null, error: null };
    const s: LinkStatus = link.status();
    return {
      mode: s.mode,
      state: s.state,
      sandbox: s.sandbox,
      companionUrl: s.mode === 'remote' ? s.companionUrl : null,
      phoneUrl: s.phoneUrl,
      error: s.error,
    };
  };
  const requireLink = (): CompanionLink => {
    if (!link) throw new StudioError('COMPANION_UNAVAILABLE', 'No companion is configured');
    return link;
  };

  /** A body is published text: a course marked ready is re-checked on it at once, as after a course save. */
  const recheckBody = (courseId: string): void => {
    try {
      requireWorkspace().compliance.afterCourseSaved(courseId);
    } catch (error) {
      log(`compliance re-check after saving a body of ${courseId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  /**
   * A read that falls back to the offline cache when there is no companion or it cannot be reached (the answer then
   * carries `cachedAt`); any other error stands, and so does unavailability while nothing was ever pulled.
   */
  async function orCache<T>(live: () => Promise<T>, cached: (ws: Workspace) => T): Promise<T> {
    // Only a cache that was filled at least once answers: an empty one would pass for "no orders, no team".
    const usable = () => (workspace && workspace.cache.cachedAt() !== null ? workspace : null);
    if (!link) {
      const ws = usable();
      if (ws) return cached(ws);
      throw new StudioError('COMPANION_UNAVAILABLE', 'No companion is configured');
    }
    try {
      return await live();
    } catch (error) {
      const ws = usable();
      if (error instanceof StudioError && error.code === 'COMPANION_UNAVAILABLE' && ws) return cached(ws);
      throw error;
    }
  }

  let pulling: Promise<void> | null = null;
  /** Pulls the team's data into the offline cache; one pull at a time. */
  function pullInsights(): Promise<void> {
    if (pulling) return pulling;
    pulling = (async () => {
      const ws = requireWorkspace();
      const [snapshot, me] = await Promise.all([requireLink().call('insights.get'), requireLink().call('me')]);
      ws.cache.replace(snapshot, me.member.id);
      emit('insights.changed', { cachedAt: snapshot.generatedAt });
    })().finally(() => {
      pulling = null;
    });
    return pulling;
  }

  const handlers: Handlers = {
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      shell: options.shell,
      dataDir: options.dataDir,
      platform: `${os.platform()}-${os.arch()}`,
    }),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => {
      const next = settings.update(patch);
      emit('settings.changed', next);
      return next;
    },
    'workspace.status': () => status,
    'workspace.startFresh': () => {
      if (status.state !== 'corrupt') {
        throw new StudioError('CONFLICT', 'Only a damaged workspace can be replaced by a fresh one', {
          details: { state: status.state },
        });
      }
      const movedTo = moveAside(status.file, now());
      recoveredFrom = movedTo;
      open();
      emit('workspace.changed', status);
      return { movedTo, status };
    },
    'courses.list': (input) => requireWorkspace().courses.list(input),
    'courses.get': ({ id }) => requireWorkspace().courses.get(id),
    'courses.create': (input) => {
      const course = requireWorkspace().courses.create(input);
      emit('courses.changed', { id: course.id, version: course.version, deleted: false });
      return course;
    },
    'courses.save': (input) => {
      const course = requireWorkspace().courses.save(input);
      try {
        // A course marked ready for publishing is re-checked on its new text at once (it goes back to draft if the
        // gate no longer passes). The save itself is committed either way; a failure here is re-checked on next read.
        requireWorkspace().compliance.afterCourseSaved(course.id);
      } catch (error) {
        log(`compliance re-check after saving ${course.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      emit('courses.changed', { id: course.id, version: course.version, deleted: false });
      return course;
    },
    'courses.delete': ({ id }) => {
      requireWorkspace().courses.delete(id);
      emit('courses.changed', { id, version: 0, deleted: true });
      return { id };
    },
    'courses.restore': ({ id }) => {
      const course = requireWorkspace().courses.restore(id);
      emit('courses.changed', { id, version: course.version, deleted: false });
      return course;
    },
    'media.importImage': ({ fileName, dataBase64 }) => requireWorkspace().media.importImage(fileName, dataBase64),
    'courseTypes.mediaChoices': ({ kind }) => ({ items: requireWorkspace().courses.types.mediaChoices(kind) }),
    'lessons.getBody': ({ courseId, lessonId }) => requireWorkspace().lessonBodies.get(courseId, lessonId),
    'lessons.saveBody': (input) => {
      const body = requireWorkspace().lessonBodies.save(input);
      recheckBody(input.courseId);
      return body;
    },
    'lessonVersions.list': ({ courseId, lessonId }) => ({ items: requireWorkspace().lessonVersions.list(courseId, lessonId) }),
    'lessonVersions.snapshot': ({ courseId, lessonId, label }) => requireWorkspace().lessonVersions.snapshotBody(courseId, lessonId, 'manual', label),
    'lessonVersions.compare': ({ courseId, lessonId, from, to }) => requireWorkspace().lessonVersions.compare(courseId, lessonId, from, to),
    'lessonVersions.restore': ({ courseId, lessonId, seq, baseVersion }) => {
      const result = requireWorkspace().lessonVersions.restore(courseId, lessonId, seq, baseVersion);
      recheckBody(courseId);
      return result;
    },
    ...mediaHandlers(requireWorkspace),
    'preview.settings': () => requireWorkspace().preview.settings(),
    'preview.updateSettings': (patch) => requireWorkspace().preview.updateSettings(patch),
    'preview.coverInfo': ({ hash }) => requireWorkspace().preview.coverInfo(hash),
    'preview.exportPng': (input) => requireWorkspace().preview.exportPng(input),
    'companion.status': () => companionStatus(),
    'companion.connect': async ({ url, pairingCode, deviceName }) => {
      await requireLink().connectRemote(url, pairingCode, deviceName ?? `${os.hostname()} (studio)`);
      return companionStatus();
    },
    'companion.useEmbedded': async () => {
      await requireLink().useEmbedded();
      return companionStatus();
    },
    'team.members': () => orCache(async () => {
      const [members, me] = await Promise.all([requireLink().call('members.list'), requireLink().call('me')]);
      const items = await Promise.all(
        members.items.map(async (m) => (m.wechat ? { ...m, wechat: { ...m.wechat, avatarUrl: await avatars.dataUrl(m.wechat.avatarUrl) } } : m)),
      );
      return { items, meId: me.member.id };
    }, (ws) => ws.cache.members()),
    'team.setRole': ({ memberId, role }) => requireLink().call('members.setRole', { params: { id: memberId }, body: { role } }),
    'team.unbind': ({ memberId }) => requireLink().call('members.unbind', { params: { id: memberId } }),
    'team.startBinding': (input) =>
      requireLink().call('bindings.create', {
        body: 'memberId' in input ? { memberId: input.memberId } : { newMember: { name: input.name, role: input.role } },
      }),
    'team.binding': ({ id }) => requireLink().call('bindings.get', { params: { id } }),
    'team.settings': () => requireLink().call('settings.get'),
    'team.updateSettings': (body) => requireLink().call('settings.update', { body }),
    'wechatEvents.list': (query) => orCache(() => requireLink().call('events.list', { query }), (ws) => ws.cache.events(query)),
    'audit.list': (query) => requireLink().call('audit.list', { query }),
    'pay.settings': () => requireLink().call('pay.settings'),
    'pay.updateSettings': (body) => requireLink().call('pay.updateSettings', { body }),
    'pay.test': () => requireLink().call('pay.test'),
    'orders.list': (query) => orCache(() => requireLink().call('orders.list', { query }), (ws) => ws.cache.orders(query)),
    'orders.get': ({ outTradeNo }) => requireLink().call('orders.get', { params: { outTradeNo } }),
    'orders.create': ({ courseIds, discount }) => {
      // Prices come from this workspace's courses as they are now, never from the caller.
      const items = courseIds.map((id) => requireWorkspace().courses.get(id)).map((c) => ({ courseId: c.id, title: c.title, priceFen: c.priceFen }));
      const quote = quoteOrder(items, discount ?? null);
      if (!quote.ok) throw new StudioError('INVALID_INPUT', `The order cannot be priced: ${quote.code}`, { fields: [{ path: 'courseIds', code: quote.code }] });
      return requireLink().call('orders.create', { body: { kind: 'native', items, ...(discount ? { discount } : {}) } });
    },
    'orders.query': ({ outTradeNo }) => requireLink().call('orders.query', { params: { outTradeNo } }),
    'orders.close': ({ outTradeNo }) => requireLink().call('orders.close', { params: { outTradeNo } }),
    'orders.refund': ({ outTradeNo, amountFen, reason }) =>
      requireLink().call('refunds.create', { params: { outTradeNo }, body: { ...(amountFen ? { amountFen } : {}), ...(reason ? { reason } : {}) } }),
    'orders.exportCsv': async (query) => {
      const csv = await requireLink().call('orders.csv', { query });
      return { fileName: `订单-${now().toISOString().slice(0, 10)}.csv`, csv: csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}` };
    },
    'compliance.secondOpinion': ({ text }) =>
      secondOpinion(link ? (body) => requireLink().call('content.check', { body }) : null, text, log),
    ...complianceHandlers({
      workspace: requireWorkspace,
      teamMemberName: async () => (link && link.status().state === 'ready' ? (await link.call('me')).member.name : null),
      locale: () => settings.get().locale,
      now,
      log,
    }),
    ...libraryHandlers({
      workspace: requireWorkspace,
      changed: (id, version) => emit('courses.changed', { id, version, deleted: false }),
    }),
    'sync.status': () => requireWorkspace().sync.status(),
    'sync.now': () => requireWorkspace().sync.syncNow(),
    'sync.conflicts': () => ({ items: requireWorkspace().sync.conflicts() }),
    'sync.resolve': ({ id, choice }) => {
      requireWorkspace().sync.resolve(id, choice);
      return requireWorkspace().sync.status();
    },
    'funnels.list': () => requireWorkspace().funnels.list(),
    'funnels.get': ({ id }) => requireWorkspace().funnels.get(id),
    'funnels.create': (input) => requireWorkspace().funnels.create(input),
    'funnels.save': (input) => requireWorkspace().funnels.save(input),
    'funnels.delete': ({ id }) => {
      requireWorkspace().funnels.delete(id);
      return { id };
    },
    'funnels.settings': () => requireWorkspace().funnels.settings(),
    'funnels.updateSettings': (patch) => requireWorkspace().funnels.updateSettings(patch),
    'funnels.exportPng': (input) => requireWorkspace().funnels.exportPng(input),
    'funnels.exportCsv': (input) => requireWorkspace().funnels.exportCsv(input),
    'funnels.actuals': ({ id }) =>
      requireWorkspace().funnels.actuals(
        id,
        link && link.status().state === 'ready'
          ? {
              events: (query) => requireLink().call('events.list', { query }),
              orders: (query) => requireLink().call('orders.list', { query }),
            }
          : null,
        log,
      ),
    'publish.start': ({ courseId }) => requireWorkspace().publishing.start(courseId),
    'publish.status': async ({ courseId }) => ({ job: await requireWorkspace().publishing.status(courseId) }),
    'publish.export': ({ courseId }) => requireWorkspace().publishing.export(courseId),
    'reminders.schedule': async ({ courseId, kind, templateId, titleKey, timeKey, url }) => {
      const course = requireWorkspace().courses.get(courseId);
      const details = course.typeDetails;
      if (details.type !== 'live') throw new StudioError('INVALID_INPUT', 'Reminders are for live courses', { fields: [{ path: 'courseId', code: 'reminders.notLive' }] });
      if (!details.startAt) throw new StudioError('INVALID_INPUT', 'The live session has no start yet', { fields: [{ path: 'startAt', code: 'liveReminder.needsStart' }] });
      if (details.reminders.length === 0) throw new StudioError('INVALID_INPUT', 'No reminders are chosen for this session', { fields: [{ path: 'reminders', code: 'reminders.noneChosen' }] });
      const startsAt = details.startAt;
      // §7.2: a thing value has at most 20 characters; the time reads as WeChat shows times, in Beijing time.
      const title = [...course.title].slice(0, 20).join('');
      const b = new Date(Date.parse(startsAt) + 8 * 3600_000);
      const time = `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日 ${String(b.getUTCHours()).padStart(2, '0')}:${String(b.getUTCMinutes()).padStart(2, '0')}`;
      // Scheduling again after the start moved replaces the reminders still waiting for the old start.
      for (const old of (await requireLink().call('reminders.list', { query: { courseId } })).items) {
        if ((old.state === 'scheduled' || old.state === 'quotaWait') && Date.parse(old.startsAt) !== Date.parse(startsAt)) {
          await requireLink().call('reminders.cancel', { params: { id: old.id } });
        }
      }
      const items = [];
      for (const preset of details.reminders) {
        items.push(
          await requireLink().call('reminders.create', {
            body: {
              courseId,
              courseTitle: [...course.title].slice(0, 64).join(''),
              kind,
              templateId,
              data: { [titleKey]: title, [timeKey]: time },
              ...(url ? { url } : {}),
              startsAt,
              leadMinutes: REMINDER_PRESETS[preset],
            },
          }),
        );
      }
      return { items };
    },
    'reminders.list': ({ courseId }) => requireLink().call('reminders.list', { query: { courseId } }),
    'reminders.cancel': ({ id }) => requireLink().call('reminders.cancel', { params: { id } }),
    'insights.get': () => requireWorkspace().cache.read(),
    'insights.refresh': async () => {
      await pullInsights();
      return requireWorkspace().cache.read();
    },
    'posters.list': () => requireWorkspace().posters.list(),
    'posters.get': ({ id }) => requireWorkspace().posters.get(id),
    'posters.create': (input) => {
      const poster = requireWorkspace().posters.create(input);
      emit('posters.changed', { id: poster.id, version: poster.version, deleted: false });
      return poster;
    },
    'posters.save': (input) => {
      const poster = requireWorkspace().posters.save(input);
      emit('posters.changed', { id: poster.id, version: poster.version, deleted: false });
      return poster;
    },
    'posters.delete': ({ id }) => {
      const out = requireWorkspace().posters.delete(id);
      emit('posters.changed', { id, version: 0, deleted: true });
      return out;
    },
    'posters.templates': () => requireWorkspace().posters.templates(),
    'posters.brand': () => requireWorkspace().posters.brand(),
    'posters.updateBrand': (patch) => requireWorkspace().posters.updateBrand(patch),
    'posters.check': (input) => requireWorkspace().posters.check(input),
    'posters.export': (input) => requireWorkspace().posters.export(input),
    'posters.batchStart': (input) => {
      const posters = requireWorkspace().posters;
      return posters.batchStart(input, posters.get(input.id).name);
    },
    'posters.batchCancel': ({ jobId }) => posterBatches.cancel(jobId),
    'audit.exportCsv': async () => {
      const csv = await requireLink().call('audit.csv');
      // Decoding the HTTP body drops the BOM the companion sends; Excel needs it to read the Chinese right.
      return { fileName: `接口调用明细-${now().toISOString().slice(0, 10)}.csv`, csv: csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}` };
    },
  };

  open();

  if (options.companion) {
    link = new CompanionLink({
      dataDir: options.dataDir,
      launcher: options.companion.launcher,
      sealer: options.companion.sealer,
      log,
      onChange: () => {
        const status = companionStatus();
        emit('companion.changed', status);
        // Whenever the companion becomes reachable, the outbox goes out and the offline copy is brought up to date.
        if (status.state === 'ready' && workspace) {
          workspace.sync.wake();
          workspace.publishing.resumeFollowing();
          pullInsights().catch((error: unknown) => log(`insights pull failed: ${error instanceof Error ? error.message : String(error)}`));
        }
      },
    });
    link.start().catch((error: unknown) => {
      log(`embedded companion did not start: ${error instanceof Error ? error.message : String(error)}`);
      emit('companion.changed', companionStatus());
    });
  }

  async function dispatch(method: string, input: unknown, ctx: CallContext = { via: 'direct' }): Promise<Result<unknown>> {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `No method named ${String(method)}` } };
    }
    const def = methods[method];
    const parsed = (def.input as z.ZodType).safeParse(input ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: `Invalid input for ${method}`, fields: toFieldProblems(parsed.error) },
      };
    }
    if (!workspace && !WITHOUT_WORKSPACE.has(method)) {
      return {
        ok: false,
        error: { code: 'WORKSPACE_UNAVAILABLE', message: `The workspace is not available (${status.state})`, details: { state: status.state } },
      };
    }
    try {
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      if (options.checkOutputs) (def.output as z.ZodType).parse(value);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof StudioError) return { ok: false, error: error.toJSON() };
      if (isDamageError(error)) {
        markDamaged(error);
        return { ok: false, error: { code: 'WORKSPACE_UNAVAILABLE', message: 'The workspace database is damaged' } };
      }
      log(`internal error in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ok: false, error: { code: 'INTERNAL', message: `Internal error in ${method}` } };
    }
  }

  return {
    dispatch,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: () => status,
    mediaFile: (hash) => workspace?.media.locate(hash) ?? null,
    packageDownload: (id) => workspace?.packageJobs.download(id) ?? null,
    async close() {
      await posterBatches.close();
      listeners.clear();
      workspace?.sync.stop();
      workspace?.publishing.close();
      await workspace?.library.close();
      await workspace?.packageJobs.close();
      workspace?.db.close();
      workspace = null;
      await link?.stop();
      link = null;
    },
  };
}

/** zod issues → field problems: our domain checks put their code in the message; anything else is `invalid`. */
function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: /^[a-zA-Z]+\.[a-zA-Z]+$/.test(issue.message) ? issue.message : `invalid.${issue.code}`,
  }));
}
