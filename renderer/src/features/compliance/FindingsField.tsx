import {
  cloneElement,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type MouseEvent,
  type ReactElement,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Severity } from '../../../../shared/compliance/types';
import { useCompliance, useComplianceStore } from './ComplianceProvider';
import { liveFindingsOf, type LiveFinding } from './compliance-store';
import { fieldKey, type FieldRef } from './draft-fields';
import { FindingCard } from './FindingCard';

const SEVERITY_RANK: Record<Severity, number> = { block: 0, must_fix: 1, info: 2 };

/** The input's box and text metrics that the backdrop copies, so the marks sit exactly under the typed characters. */
const MIRRORED = [
  'fontFamily',
  'fontSize',
  'fontWeight',
  'fontStyle',
  'fontVariantNumeric',
  'letterSpacing',
  'wordSpacing',
  'lineHeight',
  'textIndent',
  'textTransform',
  'tabSize',
  'paddingTop',
  'paddingRight',
  'paddingBottom',
  'paddingLeft',
  'borderTopWidth',
  'borderRightWidth',
  'borderBottomWidth',
  'borderLeftWidth',
  'borderRadius',
  'boxSizing',
] as const;

interface Segment {
  text: string;
  /** Index into findings of the finding shown for this piece (worst severity, then the shortest span), or -1. */
  finding: number;
}

/** Cuts the text at every finding boundary; overlapping findings show the worst one. */
export function segments(text: string, findings: readonly LiveFinding[]): Segment[] {
  const cuts = new Set<number>([0, text.length]);
  for (const f of findings) {
    cuts.add(Math.max(0, Math.min(text.length, f.start)));
    cuts.add(Math.max(0, Math.min(text.length, f.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i]!;
    const to = points[i + 1]!;
    let best = -1;
    findings.forEach((f, idx) => {
      if (f.start > from || f.end < to) return;
      const b = findings[best];
      if (!b || SEVERITY_RANK[f.severity] < SEVERITY_RANK[b.severity] || (f.severity === b.severity && f.end - f.start < b.end - b.start)) best = idx;
    });
    out.push({ text: text.slice(from, to), finding: best });
  }
  return out;
}

type Shown = { index: number; via: 'pointer' | 'caret'; left: number; top: number } | null;

/**
 * Highlights compliance findings of one published field as you type: a backdrop under the input repeats its text
 * with <mark>s (inputs and textareas cannot hold markup), and a card explains the finding under the pointer or the
 * caret. The card follows the input in the DOM, so Tab reaches its buttons; Escape closes it.
 */
export function FindingsField({
  field,
  value,
  children,
  multiline = false,
  quietSummary = false,
}: {
  field: FieldRef;
  value: string;
  children: ReactElement<HTMLAttributes<HTMLElement> & { 'data-cx-input'?: string }>;
  multiline?: boolean;
  /** Keep the one-line summary for screen readers only (outline rows have no room for it). */
  quietSummary?: boolean;
}) {
  const { t } = useTranslation();
  const key = fieldKey(field);
  const scan = useCompliance((s) => s.live[key]);
  const host = useCompliance((s) => s.host);
  const store = useComplianceStore();
  const findings = useMemo(() => liveFindingsOf(scan, value), [scan, value]);
  const acknowledged = useMemo(() => {
    const map = new Map<string, { actor: string; reason: string }>();
    for (const f of host?.findings ?? []) if (f.acknowledgement) map.set(f.key, f.acknowledgement);
    return map;
  }, [host]);
  const wrapper = useRef<HTMLDivElement>(null);
  const backdrop = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState<Shown>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** A card closed with Escape stays closed while the caret stays in its span. */
  const dismissed = useRef<string | null>(null);
  const summaryId = useId();
  const cardId = useId();

  const input = useCallback(() => wrapper.current?.querySelector<HTMLInputElement | HTMLTextAreaElement>('[data-cx-input]') ?? null, []);

  // Mirror the input's metrics and scroll position onto the backdrop.
  useLayoutEffect(() => {
    const el = input();
    const back = backdrop.current;
    if (!el || !back) return;
    const sync = () => {
      const style = getComputedStyle(el);
      for (const prop of MIRRORED) back.style[prop] = style[prop];
      back.style.top = `${el.offsetTop}px`;
      back.style.left = `${el.offsetLeft}px`;
      back.style.width = `${el.offsetWidth}px`;
      back.style.height = `${el.offsetHeight}px`;
      // A textarea's scrollbar narrows its text: narrow the backdrop's text the same.
      const scrollbar = el.offsetWidth - el.clientWidth - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
      if (scrollbar > 0) back.style.paddingRight = `${parseFloat(style.paddingRight) + scrollbar}px`;
      back.scrollTop = el.scrollTop;
      back.scrollLeft = el.scrollLeft;
    };
    sync();
    const observer = new ResizeObserver(sync);
    observer.observe(el);
    const onScroll = () => {
      back.scrollTop = el.scrollTop;
      back.scrollLeft = el.scrollLeft;
    };
    el.addEventListener('scroll', onScroll);
    el.addEventListener('input', onScroll);
    el.addEventListener('keyup', onScroll);
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
      el.removeEventListener('input', onScroll);
      el.removeEventListener('keyup', onScroll);
    };
  }, [input, findings]);

  /** Where to put the card for finding `index`: under its first mark, inside the field's width. */
  const place = useCallback(
    (index: number, via: 'pointer' | 'caret'): Shown => {
      const box = wrapper.current?.getBoundingClientRect();
      const mark = backdrop.current?.querySelector<HTMLElement>(`mark[data-index="${index}"]`);
      if (!box) return null;
      const rect = mark?.getBoundingClientRect();
      const left = rect ? Math.max(0, Math.min(rect.left - box.left, box.width - 320)) : 0;
      const top = rect ? Math.min(rect.bottom - box.top, box.height) + 4 : box.height + 4;
      return { index, via, left, top };
    },
    [],
  );

  // The caret inside a marked span opens its card (keyboard users get the same card as the pointer).
  useEffect(() => {
    const el = input();
    if (!el) return;
    const onCaret = () => {
      if (document.activeElement !== el) return;
      const at = el.selectionStart ?? -1;
      let index = findings.findIndex((f) => at >= f.start && at <= f.end);
      if (index >= 0 && findings[index]!.key === dismissed.current) index = -1;
      else if (index < 0) dismissed.current = null;
      setShown((current) => {
        if (current?.via === 'pointer') return current;
        return index >= 0 ? place(index, 'caret') : null;
      });
    };
    const onBlur = (e: FocusEvent) => {
      if (e.relatedTarget instanceof Node && wrapper.current?.contains(e.relatedTarget)) return;
      setShown((current) => (current?.via === 'caret' ? null : current));
    };
    const events = ['select', 'keyup', 'click', 'focus'] as const;
    for (const name of events) el.addEventListener(name, onCaret);
    (el as HTMLElement).addEventListener('blur', onBlur);
    return () => {
      for (const name of events) el.removeEventListener(name, onCaret);
      (el as HTMLElement).removeEventListener('blur', onBlur);
    };
  }, [findings, input, place]);

  // A card for a finding that no longer exists (the text changed) goes away.
  const current = shown && findings[shown.index] ? shown : null;

  const onMouseMove = (e: MouseEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('.cx-card')) {
      if (hideTimer.current) clearTimeout(hideTimer.current);
      return;
    }
    const marks = backdrop.current?.querySelectorAll<HTMLElement>('mark[data-index]') ?? [];
    for (const mark of marks) {
      for (const r of mark.getClientRects()) {
        if (e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom) {
          if (hideTimer.current) clearTimeout(hideTimer.current);
          const index = Number(mark.dataset.index);
          if (current?.index !== index || current.via !== 'pointer') setShown(place(index, 'pointer'));
          return;
        }
      }
    }
    scheduleHide();
  };

  const scheduleHide = () => {
    if (hideTimer.current) clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => {
      // Never pull the card from under the keyboard focus.
      if (wrapper.current?.querySelector('.cx-card')?.contains(document.activeElement)) return;
      setShown((s) => (s?.via === 'pointer' ? null : s));
    }, 250);
  };
  useEffect(() => () => void (hideTimer.current && clearTimeout(hideTimer.current)), []);

  const close = (refocus: boolean) => {
    if (current) dismissed.current = findings[current.index]?.key ?? null;
    setShown(null);
    if (refocus) input()?.focus({ preventScroll: true });
  };

  const apply = (finding: LiveFinding, replacement: string) => {
    if (!store.getState().applySuggestion(finding, replacement)) return;
    setShown(null);
    const caret = finding.start + replacement.length;
    requestAnimationFrame(() => {
      const el = input();
      if (!el) return;
      el.focus();
      el.setSelectionRange(caret, caret);
    });
  };

  const counts = { block: 0, must_fix: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const summary = findings.length > 0 ? t('compliance.live.summary', { block: counts.block, mustFix: counts.must_fix, info: counts.info }) : '';
  const describedBy = [children.props['aria-describedby'], findings.length > 0 ? summaryId : null, current ? cardId : null]
    .filter(Boolean)
    .join(' ');

  return (
    <>
      <div
        ref={wrapper}
        className={`cx-field${multiline ? ' cx-multiline' : ''}`}
        data-cx-field={key}
        data-cx-findings={findings.length}
        onMouseMove={onMouseMove}
        onMouseLeave={scheduleHide}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && current) {
            e.stopPropagation();
            close(true);
          }
        }}
      >
        <div ref={backdrop} className="cx-backdrop" aria-hidden="true">
          {segments(value, findings).map((s, i) =>
            s.finding < 0 ? (
              <span key={i}>{s.text}</span>
            ) : (
              <mark
                key={i}
                data-index={s.finding}
                data-severity={findings[s.finding]!.severity}
                data-category={findings[s.finding]!.category}
                data-rule={findings[s.finding]!.rule}
                data-acknowledged={acknowledged.has(findings[s.finding]!.key) ? 'true' : undefined}
              >
                {s.text}
              </mark>
            ),
          )}
          {/* A trailing newline needs a character after it to take up its line, as it does in the textarea. */}
          {multiline && value.endsWith('\n') ? ' ' : null}
        </div>
        {cloneElement(children, { 'data-cx-input': '', 'aria-describedby': describedBy || undefined })}
        {current && (
          <FindingCard
            id={cardId}
            finding={findings[current.index]!}
            acknowledgement={acknowledged.get(findings[current.index]!.key) ?? null}
            style={{ left: current.left, top: current.top }}
            onApply={apply}
            onOpenReport={(f) => store.getState().openPanel(f.key)}
            onClose={() => close(true)}
          />
        )}
      </div>
      {findings.length > 0 && (
        <p id={summaryId} className={quietSummary ? 'visually-hidden' : 'cx-summary'} data-has-block={counts.block > 0 ? 'true' : undefined}>
          {summary}
        </p>
      )}
    </>
  );
}
