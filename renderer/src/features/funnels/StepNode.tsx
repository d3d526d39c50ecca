import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { NODE_KIND_COLORS, NODE_KIND_LABELS, type FunnelNode } from '../../../../shared/funnel/index';
import type { FunnelActuals } from '../../../../shared/funnel/contract';

/** What a step shows on the canvas; built from the document and its analysis, never edited here. */
export interface StepData extends Record<string, unknown> {
  node: FunnelNode;
  reach: number;
  errors: number;
  warnings: number;
  inducement: boolean;
  actual: FunnelActuals['nodes'][number] | null;
}

export type StepFlowNode = Node<StepData, 'step'>;

/** Same size as the PNG export (electron/studio/services/funnel-render.ts). */
export const STEP_WIDTH = 220;
export const STEP_HEIGHT = 92;

function StepNodeView({ data, selected }: NodeProps<StepFlowNode>) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'zh';
  const { node } = data;
  return (
    <div
      className={`fn-step${selected ? ' selected' : ''}${data.errors ? ' has-errors' : ''}`}
      data-kind={node.kind}
      aria-label={node.label}
      style={{ borderLeftColor: NODE_KIND_COLORS[node.kind] }}
    >
      <Handle type="target" position={Position.Left} />
      <div className="fn-step-kind">
        <span>{NODE_KIND_LABELS[node.kind][lang]}</span>
        <span className="fn-step-badges">
          {data.inducement && (
            <span className="fn-badge fn-badge-inducement" title={t('funnels.node.inducement')}>
              {t('funnels.node.inducement')}
            </span>
          )}
          {data.errors > 0 && (
            <span className="fn-badge fn-badge-error" data-errors={data.errors} title={t('funnels.node.errors', { count: data.errors })}>
              {data.errors}
            </span>
          )}
          {data.warnings > 0 && (
            <span className="fn-badge fn-badge-warning" title={t('funnels.node.warnings', { count: data.warnings })}>
              {data.warnings}
            </span>
          )}
        </span>
      </div>
      <div className="fn-step-label">{node.label || '—'}</div>
      <div className="fn-step-meta">{node.at ? node.at.replace('T', ' ') : t('funnels.node.noTime')}</div>
      <div className="fn-step-meta">{t('funnels.node.reach', { value: Math.round(data.reach).toLocaleString() })}</div>
      {data.actual && (
        <div className="fn-step-actual">
          {t('funnels.node.actual', { scans: data.actual.scans, follows: data.actual.follows, purchases: data.actual.purchases })}
        </div>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export const StepNode = memo(StepNodeView);
