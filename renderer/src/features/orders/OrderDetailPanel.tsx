import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDetail } from '../../../../shared/companion/api';
import { StudioError } from '../../../../shared/contract/index';
import { formatPrice, parsePriceInput } from '../../../../shared/domain/course';
import { useStores } from '../../app/stores';
import { fieldMessage } from '../../i18n/index';

/** One order: its append-only history, refunds, alerts; close an unpaid order, refund a paid one (full or partial). */
export function OrderDetailPanel({ outTradeNo, onClose, onChanged }: { outTradeNo: string; onClose: () => void; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = { amount: useId(), reason: useId() };

  useEffect(() => {
    let live = true;
    client.call('orders.get', { outTradeNo }).then(
      (d) => live && setDetail(d),
      (e: unknown) => live && setError(e instanceof StudioError ? t(`error.${e.code}`) : String(e)),
    );
    return () => {
      live = false;
    };
  }, [client, outTradeNo, t]);

  const act = async (action: () => Promise<OrderDetail>) => {
    setBusy(true);
    setError(null);
    try {
      setDetail(await action());
      onChanged();
    } catch (e) {
      setError(e instanceof StudioError ? (e.fields?.[0] ? fieldMessage(t, e.fields[0].code) : `${t(`error.${e.code}`)}：${e.message}`) : String(e));
    } finally {
      setBusy(false);
    }
  };

  const refund = () => {
    let amountFen: number | undefined;
    if (amount.trim()) {
      const parsed = parsePriceInput(amount);
      if (!parsed.ok) return setError(fieldMessage(t, parsed.code));
      amountFen = parsed.fen;
    }
    return act(async () => (await client.call('orders.refund', { outTradeNo, ...(amountFen ? { amountFen } : {}), ...(reason ? { reason } : {}) })).order);
  };

  const order = detail?.order;
  const refundable = order ? order.totalFen - order.refundedFen : 0;
  return (
    <section className="panel" aria-labelledby="order-detail-title">
      <header className="page-header">
        <h2 id="order-detail-title">{t('orders.detailTitle', { no: outTradeNo })}</h2>
        <button type="button" className="link-button" onClick={onClose}>
          {t('team.done')}
        </button>
      </header>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {order && detail && (
        <>
          <p>
            <span className={`badge state-${order.state}`} data-detail-state={order.state}>
              {t(`orders.states.${order.state}`)}
            </span>{' '}
            {formatPrice(order.totalFen)} · {order.items.map((i) => i.title).join('、')}
            {order.transactionId && <span className="muted mono"> · {order.transactionId}</span>}
          </p>
          <ol className="history" aria-label={t('orders.history')}>
            {detail.history.map((h, i) => (
              <li key={i}>
                <span className="muted">{new Date(h.at).toLocaleString(i18n.language)}</span> {t(`orders.sources.${h.source}`)}：
                {h.fromState ? `${t(`orders.states.${h.fromState}`)} → ` : ''}
                {t(`orders.states.${h.toState}`)} {h.note && <span className="muted">（{h.note}）</span>}
              </li>
            ))}
          </ol>
          {detail.alerts.length > 0 && (
            <ul className="alerts" aria-label={t('orders.alertList')}>
              {detail.alerts.map((a) => (
                <li key={a.id} className="field-error">
                  {a.kind}: {a.message}
                </li>
              ))}
            </ul>
          )}
          {detail.refunds.length > 0 && (
            <ul aria-label={t('orders.refunds')}>
              {detail.refunds.map((r) => (
                <li key={r.outRefundNo}>
                  {formatPrice(r.amountFen)} · {t(`orders.refundStates.${r.status}`)} {r.reason && <span className="muted">（{r.reason}）</span>}
                </li>
              ))}
            </ul>
          )}
          <div className="form-actions">
            {['NOTPAY', 'USERPAYING', 'CREATING'].includes(order.state) && (
              <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => client.call('orders.close', { outTradeNo }))}>
                {t('orders.close')}
              </button>
            )}
            <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => client.call('orders.query', { outTradeNo }))}>
              {t('orders.query')}
            </button>
          </div>
          {(order.state === 'SUCCESS' || order.state === 'REFUND') && refundable > 0 && (
            <form
              className="invite-form"
              aria-label={t('orders.refund')}
              onSubmit={(e) => {
                e.preventDefault();
                void refund();
              }}
            >
              <div className="field">
                <label htmlFor={ids.amount}>{t('orders.refundAmount', { max: formatPrice(refundable) })}</label>
                <input id={ids.amount} inputMode="decimal" value={amount} placeholder={t('orders.refundAll')} onChange={(e) => setAmount(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={ids.reason}>{t('orders.refundReason')}</label>
                <input id={ids.reason} value={reason} maxLength={80} onChange={(e) => setReason(e.target.value)} />
              </div>
              <button type="submit" className="primary" disabled={busy}>
                {t('orders.refund')}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}
