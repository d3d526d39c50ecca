import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderState } from '../../../../shared/companion/api';
import { StudioError, type CourseSummary, type MethodOutput } from '../../../../shared/contract/index';
import { formatPrice } from '../../../../shared/domain/course';
import { useStores } from '../../app/stores';
import { fieldMessage } from '../../i18n/index';

const POLL_MS = 1000;
const OPEN: OrderState[] = ['CREATING', 'NOTPAY', 'USERPAYING'];

/**
 * A Native order for one course: its QR code (for a live sale, or in sandbox mode for the simulated phone to pay) and
 * its state, live, until it is paid or closed.
 */
export function TestPurchasePanel({
  courses,
  sandbox,
  phoneUrl,
  onPaid,
}: {
  courses: CourseSummary[];
  sandbox: boolean;
  phoneUrl: string | null;
  onPaid: () => void;
}) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [courseId, setCourseId] = useState('');
  const [created, setCreated] = useState<MethodOutput<'orders.create'> | null>(null);
  const [state, setState] = useState<OrderState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  const paid = courses.filter((c) => c.priceFen > 0);
  const outTradeNo = created?.order.outTradeNo;

  useEffect(() => {
    if (!outTradeNo) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () =>
      client.call('orders.get', { outTradeNo }).then(
        (d) => {
          if (!live) return;
          setState(d.order.state);
          if (OPEN.includes(d.order.state)) timer = setTimeout(poll, POLL_MS);
          else onPaid();
        },
        () => live && (timer = setTimeout(poll, POLL_MS)),
      );
    timer = setTimeout(poll, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, outTradeNo, onPaid]);

  const create = async () => {
    setError(null);
    try {
      const result = await client.call('orders.create', { courseId: courseId || paid[0]!.id });
      setCreated(result);
      setState(result.order.state);
    } catch (e) {
      setError(e instanceof StudioError ? (e.fields?.[0] ? fieldMessage(t, e.fields[0].code) : `${t(`error.${e.code}`)}：${e.message}`) : String(e));
    }
  };

  if (paid.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="purchase-title">
      <h2 id="purchase-title">{sandbox ? t('orders.testPurchase') : t('orders.newQr')}</h2>
      <div className="toolbar">
        <label htmlFor={selectId}>{t('orders.course')}</label>
        <select id={selectId} value={courseId || paid[0]!.id} onChange={(e) => setCourseId(e.target.value)}>
          {paid.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title} · {formatPrice(c.priceFen)}
            </option>
          ))}
        </select>
        <button type="button" className="primary" onClick={() => void create()}>
          {t('orders.createQr')}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {created?.payment.kind === 'native' && (
        <div className="binding-body">
          <img
            className={`qr ${state && !OPEN.includes(state) ? 'qr-done' : ''}`}
            src={`data:image/png;base64,${created.payment.qrPngBase64}`}
            alt={t('orders.qrAlt')}
            width={200}
            height={200}
          />
          <div className="binding-info">
            <p className="binding-status" role="status" aria-live="polite" data-order-state={state ?? ''}>
              {state ? t(`orders.states.${state}`) : ''} · {formatPrice(created.order.totalFen)}
            </p>
            <p className="mono qr-url">
              <span className="muted">{t('team.qrUrl')}</span> {created.payment.codeUrl}
            </p>
            {sandbox && phoneUrl && (
              <p>
                <a href={phoneUrl} target="_blank" rel="noreferrer">
                  {t('orders.payWithPhone')}
                </a>
              </p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
