/**
 * Campaign funnels in the host: plans stored as versioned JSON documents (one row each, migrated on load), the rule
 * table's CONFLICT settings, the PNG and CSV exports, and actual-versus-plan counts from the companion.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StudioError, type HandlerInput, type MethodOutput } from '../../../shared/contract/index';
import {
  DEFAULT_FUNNEL_SETTINGS,
  FUNNEL_SCHEMA_VERSION,
  FunnelDocumentError,
  attributeActuals,
  checkFunnelIntegrity,
  complianceFindings,
  emptyFunnel,
  funnelTexts,
  funnelCsv,
  funnelSettingsSchema,
  instantiateTemplate,
  projectFunnel,
  readFunnelDocument,
  validateFunnel,
  type ActualEvent,
  type ActualOrder,
  type FunnelDocument,
  type FunnelSettings,
} from '../../../shared/funnel/index';
import type { Funnel } from '../../../shared/funnel/contract';
import type { Finding } from '../../../shared/compliance/types';
import { renderFunnelPng } from './funnel-render';
import { safeFileName } from './preview';

interface FunnelRow {
  id: string;
  schema_version: number;
  document: string;
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** Reads the companion's events and orders for actuals; null when there is no companion. */
export interface ActualsSource {
  events(page: { limit: number; offset: number }): Promise<{ items: ActualEvent[]; total: number }>;
  orders(page: { limit: number; offset: number }): Promise<{ items: ActualOrder[]; total: number }>;
}

/** The most recent events and orders read for actuals (pages of 500): enough for a campaign, bounded for the UI. */
const ACTUALS_MAX_ROWS = 5000;
const PAGE = 500;

export class FunnelService {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
    /** The workspace's compliance scanner, so exports carry the same findings the page shows. */
    private readonly scanText: (text: string) => Finding[] = () => [],
  ) {
    this.stmt = {
      list: db.prepare<[], FunnelRow>('SELECT * FROM funnels WHERE deleted_at IS NULL ORDER BY updated_at DESC, id'),
      get: db.prepare<[string], FunnelRow>('SELECT * FROM funnels WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO funnels (id, name, schema_version, document, version, created_at, updated_at)
         VALUES (@id, @name, @schemaVersion, @document, 1, @now, @now)`,
      ),
      update: db.prepare(
        `UPDATE funnels SET name = @name, schema_version = @schemaVersion, document = @document, version = version + 1, updated_at = @now
         WHERE id = @id AND version = @baseVersion AND deleted_at IS NULL`,
      ),
      delete: db.prepare('UPDATE funnels SET deleted_at = @now, updated_at = @now, version = version + 1 WHERE id = @id AND deleted_at IS NULL'),
      settings: db.prepare<[], { document: string }>('SELECT document FROM funnel_settings WHERE id = 1'),
      saveSettings: db.prepare(
        `INSERT INTO funnel_settings (id, document, updated_at) VALUES (1, @document, @now)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      ),
    };
  }

  private toFunnel(row: FunnelRow): Funnel {
    let document: FunnelDocument;
    try {
      document = readFunnelDocument(JSON.parse(row.document));
    } catch (error) {
      if (error instanceof FunnelDocumentError && error.code === 'funnel.tooNew') {
        throw new StudioError('CONFLICT', error.message, { fields: [{ path: 'document', code: error.code }], details: { schemaVersion: row.schema_version } });
      }
      throw new StudioError('INTERNAL', `Funnel ${row.id} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { id: row.id, document, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  list(): MethodOutput<'funnels.list'> {
    const items = this.stmt.list.all().flatMap((row) => {
      try {
        const { document } = this.toFunnel(row);
        const times = document.nodes.map((n) => n.at).filter((t): t is string => t !== null).sort();
        return [{ id: row.id, name: document.name, nodeCount: document.nodes.length, startsAt: times[0] ?? null, version: row.version, updatedAt: row.updated_at }];
      } catch {
        // A plan written by a newer app stays in the database untouched; this version does not list it.
        return [];
      }
    });
    return { items };
  }

  get(id: string): Funnel {
    const row = this.stmt.get.get(id);
    if (!row || row.deleted_at) throw new StudioError('NOT_FOUND', `Funnel ${id} does not exist`);
    return this.toFunnel(row);
  }

  create(input: HandlerInput<'funnels.create'>): Funnel {
    let document: FunnelDocument;
    if (input.templateId) {
      const startDay = input.startDay ?? new Date(this.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      document = instantiateTemplate(input.templateId, startDay, input.locale, input.name);
    } else {
      document = emptyFunnel(input.name);
    }
    const id = randomUUID();
    this.stmt.insert.run({ id, name: document.name, schemaVersion: FUNNEL_SCHEMA_VERSION, document: JSON.stringify(document), now: this.now().toISOString() });
    return this.get(id);
  }

  save(input: HandlerInput<'funnels.save'>): Funnel {
    const problems = checkFunnelIntegrity(input.document);
    if (problems.length > 0) {
      throw new StudioError('INVALID_INPUT', `The funnel document is inconsistent: ${problems[0]!.code}`, {
        fields: problems.map((p) => ({ path: `document.${p.path}`, code: p.code })),
      });
    }
    const tx = this.db.transaction(() => {
      const row = this.stmt.get.get(input.id);
      if (!row || row.deleted_at) throw new StudioError('NOT_FOUND', `Funnel ${input.id} does not exist`);
      if (row.version !== input.baseVersion) {
        throw new StudioError('CONFLICT', `Funnel ${input.id} is at version ${row.version}, not ${input.baseVersion}`, { details: { currentVersion: row.version } });
      }
      this.stmt.update.run({
        id: input.id,
        baseVersion: input.baseVersion,
        name: input.document.name,
        schemaVersion: FUNNEL_SCHEMA_VERSION,
        document: JSON.stringify(input.document),
        now: this.now().toISOString(),
      });
    });
    tx.immediate();
    return this.get(input.id);
  }

  delete(id: string): void {
    if (this.stmt.delete.run({ id, now: this.now().toISOString() }).changes === 0) throw new StudioError('NOT_FOUND', `Funnel ${id} does not exist`);
  }

  settings(): FunnelSettings {
    const row = this.stmt.settings.get();
    if (!row) return DEFAULT_FUNNEL_SETTINGS;
    const parsed = funnelSettingsSchema.safeParse(JSON.parse(row.document));
    return parsed.success ? parsed.data : DEFAULT_FUNNEL_SETTINGS;
  }

  updateSettings(patch: HandlerInput<'funnels.updateSettings'>): FunnelSettings {
    const next = funnelSettingsSchema.parse({ ...this.settings(), ...patch });
    this.stmt.saveSettings.run({ document: JSON.stringify(next), now: this.now().toISOString() });
    return next;
  }

  /** Rule findings and compliance findings of every message text, as the page shows them. */
  private findings(document: FunnelDocument) {
    const scans = funnelTexts(document).map((f) => ({ ...f, findings: this.scanText(f.text) }));
    return [...validateFunnel(document, this.settings()), ...complianceFindings(document, scans)];
  }

  exportPng(input: HandlerInput<'funnels.exportPng'>): MethodOutput<'funnels.exportPng'> {
    const { document } = this.get(input.id);
    const findings = this.findings(document);
    const subtitle =
      input.locale === 'zh'
        ? `${document.nodes.length} 个步骤 · 北京时间 · 导出于 ${this.now().toISOString().slice(0, 10)}`
        : `${document.nodes.length} steps · Beijing time · exported ${this.now().toISOString().slice(0, 10)}`;
    const { png, width, height } = renderFunnelPng(document, projectFunnel(document), findings, { scale: input.scale, locale: input.locale, subtitle });
    return { fileName: `${safeFileName(document.name) || 'funnel'}@${input.scale}x.png`, pngBase64: png.toString('base64'), width, height };
  }

  exportCsv(input: HandlerInput<'funnels.exportCsv'>): MethodOutput<'funnels.exportCsv'> {
    const { document } = this.get(input.id);
    const csv = funnelCsv(document, projectFunnel(document), this.findings(document), input.locale);
    return { fileName: `${safeFileName(document.name) || 'funnel'}-${input.locale === 'zh' ? '步骤' : 'steps'}.csv`, csv };
  }

  async actuals(id: string, source: ActualsSource | null, log: (line: string) => void): Promise<MethodOutput<'funnels.actuals'>> {
    const { document } = this.get(id);
    const none = (reason: 'offline' | 'error') => ({ available: false, reason, nodes: [], eventsRead: 0, ordersRead: 0 });
    if (!source) return none('offline');
    try {
      const [events, orders] = await Promise.all([readAll((p) => source.events(p)), readAll((p) => source.orders(p))]);
      return { available: true, nodes: attributeActuals(document, events, orders), eventsRead: events.length, ordersRead: orders.length };
    } catch (error) {
      const code = error instanceof StudioError ? error.code : '';
      if (code === 'COMPANION_UNAVAILABLE' || code === 'OFFLINE' || code === 'WECHAT_UNREACHABLE') return none('offline');
      log(`funnel actuals failed: ${error instanceof Error ? error.message : String(error)}`);
      return none('error');
    }
  }
}

async function readAll<T>(page: (p: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; offset < ACTUALS_MAX_ROWS; offset += PAGE) {
    const { items, total } = await page({ limit: PAGE, offset });
    out.push(...items);
    if (items.length < PAGE || out.length >= total) break;
  }
  return out;
}
