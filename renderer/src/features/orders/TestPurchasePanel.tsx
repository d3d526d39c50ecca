import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderState } from '../../../../shared/companion/api';
import { StudioError, type CourseSummary, type MethodOutput } from '../../../../shared/contract/index';
import { formatPrice, parsePriceInput } from '../../../../shared/domain/course';
import { quote, type DiscountRule } from '../../../../shared/domain/pricing';
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
  const [chosen, setChosen] = useState<string[]>([]);
  const [discountKind, setDiscountKind] = useState<'none' | 'threshold' | 'coupon'>('none');
  const [thresholdText, setThresholdText] = useState('');
  const [offText, setOffText] = useState('');
  const [created, setCreated] = useState<MethodOutput<'orders.create'> | null>(null);
  const [state, setState] = useState<OrderState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { discount: useId(), threshold: useId(), off: useId() };
  const paid = courses.filter((c) => c.priceFen > 0);
  const outTradeNo = created?.order.outTradeNo;
  const selected = chosen.length > 0 ? chosen : paid.slice(0, 1).map((c) => c.id);

  // The quote the companion will make, shown before the QR code is created (same pure pricing in shared/).
  const discount = ((): DiscountRule | null | 'invalid' => {
    if (discountKind === 'none') return null;
    const off = parsePriceInput(offText);
    if (!off.ok) return 'invalid';
    if (discountKind === 'coupon') return { kind: 'coupon', offFen: off.fen };
    const threshold = parsePriceInput(thresholdText);
    return threshold.ok ? { kind: 'threshold', thresholdFen: threshold.fen, offFen: off.fen } : 'invalid';
  })();
  const preview =
    discount === 'invalid'
      ? null
      : quote(
          paid.filter((c) => selected.includes(c.id)).map((c) => ({ courseId: c.id, title: c.title, priceFen: c.priceFen })),
          discount,
        );

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
      if (discount === 'invalid') return setError(t('orders.discountInvalid'));
      const result = await client.call('orders.create', { courseIds: selected, ...(discount ? { discount } : {}) });
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
      <fieldset className="course-picks">
        <legend>{t('orders.coursesToBuy')}</legend>
        {paid.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={selected.includes(c.id)}
              onChange={(e) => setChosen(e.target.checked ? [...selected, c.id] : selected.filter((id) => id !== c.id))}
            />
            {c.title} · {formatPrice(c.priceFen)}
          </label>
        ))}
      </fieldset>
      <div className="toolbar wrap">
        <label htmlFor={ids.discount}>{t('orders.discount')}</label>
        <select id={ids.discount} value={discountKind} onChange={(e) => setDiscountKind(e.target.value as typeof discountKind)}>
          <option value="none">{t('orders.discounts.none')}</option>
          <option value="threshold">{t('orders.discounts.threshold')}</option>
          <option value="coupon">{t('orders.discounts.coupon')}</option>
        </select>
        {discountKind === 'threshold' && (
          <>
            <label htmlFor={ids.threshold}>{t('orders.thresholdYuan')}</label>
            <input id={ids.threshold} className="short" inputMode="decimal" value={thresholdText} onChange={(e) => setThresholdText(e.target.value)} />
          </>
        )}
        {discountKind !== 'none' && (
          <>
            <label htmlFor={ids.off}>{t('orders.offYuan')}</label>
            <input id={ids.off} className="short" inputMode="decimal" value={offText} onChange={(e) => setOffText(e.target.value)} />
          </>
        )}
        <span className="muted" data-quote={preview?.ok ? preview.quote.totalFen : ''}>
          {preview?.ok
            ? t('orders.quote', { list: formatPrice(preview.quote.listFen), off: formatPrice(preview.quote.discountFen), total: formatPrice(preview.quote.totalFen) })
            : t('orders.discountInvalid')}
        </span>
        <button type="button" className="primary" disabled={!preview?.ok} onClick={() => void create()}>
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
