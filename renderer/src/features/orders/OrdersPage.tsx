import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ORDER_STATES, type Order, type OrderState } from '../../../../shared/companion/api';
import { StudioError, type CourseSummary } from '../../../../shared/contract/index';
import { formatPrice } from '../../../../shared/domain/course';
import { saveTextFile } from '../../api/save-file';
import { useApp, useStores } from '../../app/stores';
import { usePolledCall } from '../../app/use-polled-call';
import { CachedNote } from '../publishing/CachedNote';
import { OrderDetailPanel } from './OrderDetailPanel';
import { PaySettingsPanel } from './PaySettingsPanel';
import { TestPurchasePanel } from './TestPurchasePanel';

const REFRESH_MS = 5000;

export interface OrderFilters {
  courseId: string;
  state: OrderState | '';
  from: string;
  to: string;
}

/** Orders taken through WeChat Pay: filters, per-course revenue, detail with history and refunds, CSV, test purchases. */
export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const companion = useApp((s) => s.companion);
  const [filters, setFilters] = useState<OrderFilters>({ courseId: '', state: '', from: '', to: '' });
  const [courses, setCourses] = useState<CourseSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const ids = { course: useId(), state: useId(), from: useId(), to: useId() };

  useEffect(() => {
    let live = true;
    client.call('courses.list', { limit: 500 }).then((r) => live && setCourses(r.items), () => {});
    return () => {
      live = false;
    };
  }, [client]);

  const query = {
    ...(filters.courseId ? { courseId: filters.courseId } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
  };
  const { data: page, error: loadError, reload } = usePolledCall(() => client.call('orders.list', { ...query, limit: 200 }), `${JSON.stringify(query)}|${companion?.state}`, REFRESH_MS);
  const shownError = error ?? loadError;

  const exportCsv = async () => {
    try {
      const { fileName, csv } = await client.call('orders.exportCsv', {
        ...(filters.courseId ? { courseId: filters.courseId } : {}),
        ...(filters.state ? { state: filters.state } : {}),
      });
      saveTextFile(fileName, csv);
    } catch (e) {
      setError(e instanceof StudioError ? e.code : 'INTERNAL');
    }
  };

  const set = (patch: Partial<OrderFilters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <main className="page" aria-labelledby="orders-title">
      <header className="page-header">
        <h1 id="orders-title">{t('orders.title')}</h1>
        <div className="form-actions">
          <button type="button" className="secondary" onClick={reload}>
            {t('events.refresh')}
          </button>
          <button type="button" className="secondary" onClick={() => void exportCsv()}>
            {t('audit.export')}
          </button>
        </div>
      </header>
      <p className="muted">{t('orders.intro')}</p>
      <CachedNote cachedAt={page?.cachedAt} />
      <PaySettingsPanel />
      <TestPurchasePanel courses={courses} sandbox={companion?.sandbox ?? false} phoneUrl={companion?.phoneUrl ?? null} onPaid={reload} />

      <div className="toolbar wrap">
        <label htmlFor={ids.course}>{t('orders.course')}</label>
        <select id={ids.course} value={filters.courseId} onChange={(e) => set({ courseId: e.target.value })}>
          <option value="">{t('orders.allCourses')}</option>
          {courses.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
        <label htmlFor={ids.state}>{t('orders.state')}</label>
        <select id={ids.state} value={filters.state} onChange={(e) => set({ state: e.target.value as OrderState | '' })}>
          <option value="">{t('orders.allStates')}</option>
          {ORDER_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`orders.states.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.from}>{t('orders.from')}</label>
        <input id={ids.from} type="date" value={filters.from} onChange={(e) => set({ from: e.target.value })} />
        <label htmlFor={ids.to}>{t('orders.to')}</label>
        <input id={ids.to} type="date" value={filters.to} onChange={(e) => set({ to: e.target.value })} />
      </div>
      {shownError && (
        <p className="field-error" role="alert">
          {t(`error.${shownError}`)}
        </p>
      )}

      {page && page.revenue.length > 0 && (
        <table className="table" aria-label={t('orders.revenue')}>
          <thead>
            <tr>
              <th scope="col">{t('orders.course')}</th>
              <th scope="col">{t('orders.paidOrders')}</th>
              <th scope="col">{t('orders.gross')}</th>
              <th scope="col">{t('orders.refunded')}</th>
              <th scope="col">{t('orders.net')}</th>
            </tr>
          </thead>
          <tbody>
            {page.revenue.map((r) => (
              <tr key={r.courseId}>
                <td>{r.title}</td>
                <td>{r.paidOrders}</td>
                <td className="num">{formatPrice(r.grossFen)}</td>
                <td className="num">{formatPrice(r.refundedFen)}</td>
                <td className="num">{formatPrice(r.netFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {page && page.items.length === 0 && <p className="empty muted">{t('orders.empty')}</p>}
      {page && page.items.length > 0 && (
        <table className="table" aria-label={t('orders.list')}>
          <thead>
            <tr>
              <th scope="col">{t('orders.createdAt')}</th>
              <th scope="col">{t('orders.items')}</th>
              <th scope="col">{t('orders.amount')}</th>
              <th scope="col">{t('orders.state')}</th>
              <th scope="col">{t('orders.payer')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('team.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((o: Order) => (
              <tr key={o.outTradeNo} data-order={o.outTradeNo}>
                <td>{new Date(o.createdAt).toLocaleString(i18n.language)}</td>
                <td>{o.items.map((i) => i.title).join('、')}</td>
                <td className="num">
                  {formatPrice(o.totalFen)}
                  {o.refundedFen > 0 && <span className="muted"> · {t('orders.refundedShort', { amount: formatPrice(o.refundedFen) })}</span>}
                </td>
                <td>
                  <span className={`badge state-${o.state}`} data-state={o.state}>
                    {t(`orders.states.${o.state}`)}
                  </span>
                  {o.alertCount > 0 && <span className="badge state-alert">{t('orders.alerts', { count: o.alertCount })}</span>}
                </td>
                <td className="mono">{o.payerOpenidMasked ?? '—'}</td>
                <td className="row-actions">
                  <button type="button" className="link-button" onClick={() => setSelected(o.outTradeNo)}>
                    {t('orders.details', { no: o.outTradeNo })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <OrderDetailPanel outTradeNo={selected} onClose={() => setSelected(null)} onChanged={reload} />}
    </main>
  );
}
