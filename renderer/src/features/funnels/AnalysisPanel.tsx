import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ruleById, scheduleByMonth, scheduleOf, NODE_KIND_LABELS } from '../../../../shared/funnel/index';
import { EChart, type ChartOption } from './EChart';
import { selectActuals, selectAnalysis, selectDoc, useFunnel, useFunnelStore } from './funnel-context';

const TABS = ['findings', 'projections', 'sensitivity', 'schedule', 'actuals'] as const;
type Tab = (typeof TABS)[number];

const STAGES = ['reach', 'clicks', 'views', 'purchases'] as const;
const SCENARIO_NAMES = ['low', 'expected', 'high'] as const;

const yuan = (fen: number) => (fen / 100).toLocaleString(undefined, { maximumFractionDigits: 0 });

function useLang(): 'zh' | 'en' {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('en') ? 'en' : 'zh';
}

function Findings() {
  const { t } = useTranslation();
  const lang = useLang();
  const store = useFunnelStore();
  const doc = useFunnel(selectDoc);
  const { findings } = useFunnel(selectAnalysis);
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (findings.length === 0) return <p className="muted">{t('funnels.findings.none')}</p>;
  return (
    <>
      <p className="muted" data-errors={errors}>
        {t('funnels.findings.count', { errors, warnings: findings.length - errors })}
      </p>
      <ul className="fn-findings" aria-label={t('funnels.tabs.findings')}>
        {findings.map((f, i) => {
          const node = f.nodeId ? doc.nodes.find((n) => n.id === f.nodeId) : undefined;
          const edge = f.edgeId ? doc.edges.find((e) => e.id === f.edgeId) : undefined;
          return (
            <li key={`${f.ruleId}-${f.nodeId}-${f.edgeId}-${i}`} className={`fn-finding fn-sev-${f.severity}`} data-rule={f.ruleId} data-node={f.nodeId ?? ''}>
              <span className="fn-sev">{t(`funnels.findings.${f.severity}`)}</span>
              <span className="fn-finding-text">
                <strong>{f.message[lang]}</strong>
                <span className="muted">
                  {t('funnels.findings.rule', { id: f.ruleId })} · {t('funnels.findings.source', { basis: f.basis[lang], source: f.source })}
                </span>
              </span>
              {node ? (
                <button type="button" className="link-button" onClick={() => store.getState().focusNode(node.id)}>
                  {t('funnels.findings.jump', { label: node.label || node.id })}
                </button>
              ) : edge ? (
                <button type="button" className="link-button" onClick={() => store.getState().select({ kind: 'edge', id: edge.id })}>
                  {t('funnels.findings.edge')}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function Projections() {
  const { t } = useTranslation();
  const { projection } = useFunnel(selectAnalysis);
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 64, right: 16, top: 32, bottom: 24 },
      xAxis: { type: 'category', data: STAGES.map((s) => t(`funnels.projections.${s}`)) },
      yAxis: { type: 'log', min: 1 },
      series: SCENARIO_NAMES.map((s) => ({
        type: 'bar',
        name: t(`funnels.projections.${s}`),
        data: STAGES.map((stage) => Math.max(1, Math.round(projection.byScenario[s].totals[stage]))),
      })),
    }),
    [projection, t],
  );
  const revenue = (s: (typeof SCENARIO_NAMES)[number]) => yuan(projection.byScenario[s].totals.revenueFen);
  return (
    <div className="fn-projections">
      <p data-testid="fn-revenue">{t('funnels.projections.summary', { expected: revenue('expected'), low: revenue('low'), high: revenue('high') })}</p>
      <EChart option={option} label={t('funnels.projections.stages')} />
      <table className="table fn-stage-table">
        <thead>
          <tr>
            <th />
            {SCENARIO_NAMES.map((s) => (
              <th key={s}>{t(`funnels.projections.${s}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {STAGES.map((stage) => (
            <tr key={stage}>
              <th scope="row">{t(`funnels.projections.${stage}`)}</th>
              {SCENARIO_NAMES.map((s) => (
                <td key={s} className="num">
                  {Math.round(projection.byScenario[s].totals[stage]).toLocaleString()}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('funnels.projections.revenue')}</th>
            {SCENARIO_NAMES.map((s) => (
              <td key={s} className="num">
                {revenue(s)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function Sensitivity() {
  const { t } = useTranslation();
  const doc = useFunnel(selectDoc);
  const { sensitivity } = useFunnel(selectAnalysis);
  const top = sensitivity.edges.slice(0, 12);
  const name = (id: string) => doc.nodes.find((n) => n.id === id)?.label ?? id;
  const edgeName = (e: (typeof top)[number]) => `${name(e.source)} → ${name(e.target)}`;
  const option = useMemo<ChartOption>(() => {
    // ECharts draws category axes bottom-up: reversed, the largest swing is on top (a tornado).
    const rows = [...top].reverse();
    return {
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: rows.map(edgeName), axisLabel: { width: 220, overflow: 'truncate' } },
      series: [
        { type: 'bar', name: t('funnels.sensitivity.down'), stack: 'swing', data: rows.map((e) => Math.round((e.downFen - sensitivity.baseFen) / 100)) },
        { type: 'bar', name: t('funnels.sensitivity.up'), stack: 'swing', data: rows.map((e) => Math.round((e.upFen - sensitivity.baseFen) / 100)) },
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sensitivity, doc, t]);
  if (top.length === 0) return <p className="muted">{t('funnels.sensitivity.none')}</p>;
  return (
    <div>
      <p>{t('funnels.sensitivity.heading')}</p>
      <p data-testid="fn-sensitivity-top">{t('funnels.sensitivity.top', { edge: edgeName(top[0]!) })}</p>
      <EChart option={option} label={t('funnels.sensitivity.heading')} height={Math.max(200, top.length * 28 + 60)} />
    </div>
  );
}

function Schedule() {
  const { t } = useTranslation();
  const lang = useLang();
  const store = useFunnelStore();
  const doc = useFunnel(selectDoc);
  const { findings } = useFunnel(selectAnalysis);
  const months = useMemo(() => scheduleByMonth(scheduleOf(doc)), [doc]);
  const max = Number(ruleById('oa.service.massSend.monthly').parameters.max);
  if (months.length === 0) return <p className="muted">{t('funnels.schedule.none')}</p>;
  return (
    <div className="fn-schedule">
      {months.map((m) => {
        const used = m.days.flatMap((d) => d.entries).filter((e) => e.node.kind === 'serviceMassSend').length;
        return (
          <section key={m.month} aria-label={m.month}>
            <h3>
              {m.month}{' '}
              <span className={`fn-quota${used > max ? ' over' : ''}`} data-month={m.month} data-used={used}>
                {t('funnels.schedule.quota', { month: m.month, used, max })}
              </span>
            </h3>
            <ol className="fn-days">
              {m.days.map((d) => (
                <li key={d.day}>
                  <span className="fn-day">{d.day}</span>
                  <ul>
                    {d.entries.map((e) => {
                      const bad = findings.some((f) => f.nodeId === e.node.id && f.severity === 'error');
                      return (
                        <li key={e.node.id} className={bad ? 'fn-sev-error' : undefined}>
                          <button type="button" className="link-button" onClick={() => store.getState().focusNode(e.node.id)}>
                            {e.at.slice(11)} · {NODE_KIND_LABELS[e.node.kind][lang]} · {e.node.label}
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                </li>
              ))}
            </ol>
          </section>
        );
      })}
    </div>
  );
}

function Actuals() {
  const { t } = useTranslation();
  const store = useFunnelStore();
  const doc = useFunnel(selectDoc);
  const actuals = useFunnel(selectActuals);
  const { projection } = useFunnel(selectAnalysis);
  useEffect(() => {
    void store.getState().loadActuals();
  }, [store]);
  const planned = new Map(projection.byScenario.expected.nodes.map((p) => [p.nodeId, p]));
  return (
    <div>
      <button type="button" className="secondary" onClick={() => void store.getState().loadActuals()}>
        {t('funnels.actuals.refresh')}
      </button>
      {!actuals?.available ? (
        <p className="muted" data-actuals="none">
          {t('funnels.actuals.none')}
        </p>
      ) : (
        <>
          <p className="muted" data-actuals="available">
            {t('funnels.actuals.read', { events: actuals.eventsRead, orders: actuals.ordersRead })}
          </p>
          {actuals.nodes.length === 0 ? (
            <p className="muted">{t('funnels.actuals.hint')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('funnels.actuals.node')}</th>
                  <th>{t('funnels.actuals.plannedReach')}</th>
                  <th>{t('funnels.actuals.scans')}</th>
                  <th>{t('funnels.actuals.follows')}</th>
                  <th>{t('funnels.actuals.plannedPurchases')}</th>
                  <th>{t('funnels.actuals.purchases')}</th>
                  <th>{t('funnels.actuals.revenue')}</th>
                </tr>
              </thead>
              <tbody>
                {actuals.nodes.map((a) => (
                  <tr key={a.nodeId}>
                    <td>{doc.nodes.find((n) => n.id === a.nodeId)?.label ?? a.nodeId}</td>
                    <td className="num">{Math.round(planned.get(a.nodeId)?.reach ?? 0).toLocaleString()}</td>
                    <td className="num">{a.scans}</td>
                    <td className="num">{a.follows}</td>
                    <td className="num">{(planned.get(a.nodeId)?.purchases ?? 0).toFixed(1)}</td>
                    <td className="num">{a.purchases}</td>
                    <td className="num">{yuan(a.revenueFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

/** Validation, projections, sensitivity, schedule and actuals below the canvas. */
export function AnalysisPanel() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('findings');
  const { findings } = useFunnel(selectAnalysis);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return (
    <section className="fn-analysis panel" aria-label={t('funnels.tabs.label')}>
      <div role="tablist" className="segmented" aria-label={t('funnels.tabs.label')}>
        {TABS.map((id) => (
          <button key={id} type="button" role="tab" className={`segment${tab === id ? ' selected' : ''}`} id={`fn-tab-${id}`} aria-selected={tab === id} aria-controls="fn-tabpanel" onClick={() => setTab(id)}>
            {t(`funnels.tabs.${id}`)}
            {id === 'findings' && errors > 0 ? ` (${errors})` : ''}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="fn-tabpanel" aria-labelledby={`fn-tab-${tab}`} className="fn-tabpanel">
        {tab === 'findings' && <Findings />}
        {tab === 'projections' && <Projections />}
        {tab === 'sensitivity' && <Sensitivity />}
        {tab === 'schedule' && <Schedule />}
        {tab === 'actuals' && <Actuals />}
      </div>
    </section>
  );
}
