import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NODE_KIND_LABELS, type FunnelEdge, type FunnelNode, type NodePatch } from '../../../../shared/funnel/index';
import type { CourseSummary } from '../../../../shared/contract/index';
import { useStores } from '../../app/stores';
import { selectAnalysis, selectDoc, selectSelection, useFunnel, useFunnelStore } from './funnel-context';

/** A number typed as text: committed (scaled back) only when it parses inside [min, max]; otherwise marked invalid. */
function NumberField(props: { label: string; value: number; scale?: number; min: number; max: number; integer?: boolean; onCommit: (value: number) => void }) {
  const id = useId();
  const scale = props.scale ?? 1;
  const format = (v: number) => String(Number((v * scale).toFixed(4)));
  const [text, setText] = useState(format(props.value));
  const [shown, setShown] = useState(props.value);
  const parse = (s: string): number | null => {
    if (s.trim() === '') return null;
    const n = Number(s) / scale;
    if (!Number.isFinite(n) || n < props.min || n > props.max) return null;
    return props.integer ? Math.round(n) : n;
  };
  if (shown !== props.value) {
    // An outside change (undo, another window) replaces the text; the creator's own typing already matches it.
    setShown(props.value);
    if (parse(text) !== props.value) setText(format(props.value));
  }
  const valid = parse(text) !== null;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        inputMode="decimal"
        value={text}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const n = parse(e.target.value);
          if (n !== null) props.onCommit(n);
        }}
      />
    </div>
  );
}

function NodeInspector({ node }: { node: FunnelNode }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'zh';
  const store = useFunnelStore();
  const { client } = useStores();
  const analysis = useFunnel(selectAnalysis);
  const [courses, setCourses] = useState<CourseSummary[]>([]);
  const ids = { label: useId(), at: useId(), until: useId(), text: useId(), purpose: useId(), course: useId(), poster: useId(), scene: useId() };
  /** Typing into one text field coalesces into one undo step; a picked date or option is a step of its own. */
  const update = (patch: NodePatch, field: string | null) =>
    store.getState().apply({ type: 'updateNode', id: node.id, patch }, field === null ? undefined : `${field}:${node.id}`);

  useEffect(() => {
    let live = true;
    client.call('courses.list', { limit: 500 }).then((r) => live && setCourses(r.items), () => {});
    return () => {
      live = false;
    };
  }, [client]);

  const scenario = (s: 'low' | 'expected' | 'high') => analysis.projection.byScenario[s].nodes.find((p) => p.nodeId === node.id);
  const triple = (pick: (p: NonNullable<ReturnType<typeof scenario>>) => number, digits = 0) =>
    (['low', 'expected', 'high'] as const).map((s) => (scenario(s) ? pick(scenario(s)!).toFixed(digits) : '0')).join(' / ');
  const own = analysis.findings.filter((f) => f.nodeId === node.id);

  return (
    <div className="fn-inspector-body" data-node-id={node.id}>
      <p className="muted">
        {t('funnels.inspector.kind')}：{NODE_KIND_LABELS[node.kind][lang]}
      </p>
      <div className="field">
        <label htmlFor={ids.label}>{t('funnels.inspector.label')}</label>
        <input id={ids.label} value={node.label} maxLength={60} onChange={(e) => update({ label: e.target.value }, 'label')} />
      </div>
      <NumberField label={t('funnels.inspector.audience')} value={node.audience} min={0} max={1_000_000_000} integer onCommit={(audience) => update({ audience }, 'audience')} />
      <div className="field">
        <label htmlFor={ids.at}>{t('funnels.inspector.at')}</label>
        <input id={ids.at} type="datetime-local" value={node.at ?? ''} onChange={(e) => update({ at: e.target.value || null }, null)} />
      </div>
      <div className="field">
        <label htmlFor={ids.until}>{t('funnels.inspector.until')}</label>
        <input id={ids.until} type="datetime-local" value={node.until ?? ''} onChange={(e) => update({ until: e.target.value || null }, null)} />
      </div>
      <div className="field">
        <label htmlFor={ids.text}>{t('funnels.inspector.text')}</label>
        <textarea id={ids.text} rows={4} value={node.text} maxLength={5000} onChange={(e) => update({ text: e.target.value }, 'text')} />
        <span className="hint muted">{t('funnels.inspector.textCount', { count: [...node.text].length })}</span>
      </div>
      {node.kind === 'templateMessage' && (
        <div className="field">
          <label htmlFor={ids.purpose}>{t('funnels.inspector.purpose')}</label>
          <select id={ids.purpose} value={node.templatePurpose} onChange={(e) => update({ templatePurpose: e.target.value as FunnelNode['templatePurpose'] }, null)}>
            <option value="service">{t('funnels.inspector.purposeService')}</option>
            <option value="marketing">{t('funnels.inspector.purposeMarketing')}</option>
          </select>
        </div>
      )}
      {node.kind === 'wecomOneToOne' && (
        <NumberField label={t('funnels.inspector.replies')} value={node.replies} min={0} max={100} integer onCommit={(replies) => update({ replies }, 'replies')} />
      )}
      {(node.kind === 'purchase' || node.kind === 'refund') && (
        <NumberField label={t('funnels.inspector.price')} value={node.priceFen} scale={0.01} min={0} max={99_999_999} integer onCommit={(priceFen) => update({ priceFen }, 'price')} />
      )}
      <div className="field">
        <label htmlFor={ids.course}>{t('funnels.inspector.course')}</label>
        <select id={ids.course} value={node.courseId ?? ''} onChange={(e) => update({ courseId: e.target.value || null }, null)}>
          <option value="">{t('funnels.inspector.noCourse')}</option>
          {node.courseId && !courses.some((c) => c.id === node.courseId) && <option value={node.courseId}>{node.courseId}</option>}
          {courses.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.poster}>{t('funnels.inspector.poster')}</label>
        <input id={ids.poster} value={node.posterId ?? ''} maxLength={64} onChange={(e) => update({ posterId: e.target.value || null }, 'poster')} />
      </div>
      <div className="field">
        <label htmlFor={ids.scene}>{t('funnels.inspector.scene')}</label>
        <input
          id={ids.scene}
          value={node.scene ?? ''}
          maxLength={64}
          pattern="[A-Za-z0-9_.:-]+"
          onChange={(e) => {
            const v = e.target.value.trim();
            if (v === '' || /^[A-Za-z0-9_.:-]{1,64}$/.test(v)) update({ scene: v || null }, 'scene');
          }}
        />
      </div>
      <h3>{t('funnels.inspector.projection')}</h3>
      <dl className="fn-proj">
        <dt>{t('funnels.inspector.projReach')}</dt>
        <dd>{triple((p) => p.reach)}</dd>
        <dt>{t('funnels.inspector.projPurchases')}</dt>
        <dd>{triple((p) => p.purchases, 1)}</dd>
        <dt>{t('funnels.inspector.projRevenue')}</dt>
        <dd>{triple((p) => p.revenueFen / 100)}</dd>
      </dl>
      {own.length > 0 && (
        <>
          <h3>{t('funnels.inspector.findings')}</h3>
          <ul className="fn-node-findings">
            {own.map((f, i) => (
              <li key={i} className={`fn-sev-${f.severity}`}>
                {f.message[lang]}
              </li>
            ))}
          </ul>
        </>
      )}
      <button
        type="button"
        className="danger"
        onClick={() => {
          store.getState().apply({ type: 'removeNodes', ids: [node.id] });
          store.getState().select(null);
        }}
      >
        {t('funnels.inspector.deleteNode')}
      </button>
    </div>
  );
}

function EdgeInspector({ edge }: { edge: FunnelEdge }) {
  const { t } = useTranslation();
  const store = useFunnelStore();
  const doc = useFunnel(selectDoc);
  const label = (id: string) => doc.nodes.find((n) => n.id === id)?.label ?? id;
  const update = (key: 'low' | 'expected' | 'high', value: number) =>
    store.getState().apply({ type: 'updateEdge', id: edge.id, patch: { [key]: value } }, `${key}:${edge.id}`);
  return (
    <div className="fn-inspector-body" data-edge-id={edge.id}>
      <p>{t('funnels.inspector.edge', { from: label(edge.source), to: label(edge.target) })}</p>
      {(['low', 'expected', 'high'] as const).map((key) => (
        <NumberField key={key} label={t(`funnels.inspector.${key}`)} value={edge[key]} scale={100} min={0} max={1} onCommit={(v) => update(key, v)} />
      ))}
      <button
        type="button"
        className="danger"
        onClick={() => {
          store.getState().apply({ type: 'removeEdges', ids: [edge.id] });
          store.getState().select(null);
        }}
      >
        {t('funnels.inspector.deleteEdge')}
      </button>
    </div>
  );
}

/** The selected step's or edge's fields; every edit is one `apply` (typing in one field coalesces into one undo step). */
export function Inspector() {
  const { t } = useTranslation();
  const doc = useFunnel(selectDoc);
  const selection = useFunnel(selectSelection);
  const node = selection?.kind === 'node' ? doc.nodes.find((n) => n.id === selection.id) : undefined;
  const edge = selection?.kind === 'edge' ? doc.edges.find((e) => e.id === selection.id) : undefined;
  return (
    <aside className="fn-inspector panel" aria-labelledby="fn-inspector-title">
      <h2 id="fn-inspector-title">{t('funnels.inspector.heading')}</h2>
      {node ? <NodeInspector key={node.id} node={node} /> : edge ? <EdgeInspector key={edge.id} edge={edge} /> : <p className="muted">{t('funnels.inspector.none')}</p>}
    </aside>
  );
}
