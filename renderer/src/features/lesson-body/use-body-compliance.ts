/**
 * Live compliance for a lesson body: the doc's text goes to the app's one scanning worker (the same engine and team
 * lists as every other field, renderer/src/features/compliance/live-scan.ts) 300 ms after the last change, and the
 * findings come back as TipTap decorations plus a list that selects each span in the body.
 *
 * IME safety: a scan answer that lands while a composition is open is dropped rather than drawn — changing
 * decorations redraws text the IME owns and can split the candidate — and the edit that ends the composition starts
 * a new scan anyway.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Editor } from '@tiptap/react';
import type { Severity } from '../../../../shared/compliance/types';
import { useStores } from '../../app/stores';
import { liveScanner } from '../compliance/live-scan';
import { docText, highlightKey, type Highlight } from './extensions';
import type { LessonBodyStore } from './lesson-body-store';

export const BODY_SCAN_DELAY_MS = 300;

export interface BodyFinding {
  from: number;
  to: number;
  text: string;
  rule: string;
  severity: Severity;
  message: string;
}

export function useBodyCompliance(editor: Editor, store: LessonBodyStore): BodyFinding[] {
  const { client } = useStores();
  const { i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const [findings, setFindings] = useState<BodyFinding[]>([]);

  useEffect(() => {
    const scanner = liveScanner();
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let seq = 0;

    const run = () => {
      timer = null;
      const { text, positions } = docText(editor.state.doc);
      const id = ++seq;
      void scanner.scan([{ key: 'body', text }]).then((results) => {
        if (disposed || id !== seq || editor.isDestroyed) return;
        // The creator typed on, or is composing: a newer scan follows that edit.
        if (editor.view.composing || store.getState().composing || docText(editor.state.doc).text !== text) return;
        const list: BodyFinding[] = (results[0]?.findings ?? []).map((f) => ({
          from: positions[f.start] ?? 0,
          to: (positions[f.end - 1] ?? 0) + 1,
          text: f.text,
          rule: f.rule,
          severity: f.severity,
          message: en ? f.message.en : f.message.zh,
        }));
        const highlights: Highlight[] = list.map((f) => ({ from: f.from, to: f.to, className: `cx-hit cx-hit-${f.severity}`, title: f.message }));
        editor.view.dispatch(editor.state.tr.setMeta(highlightKey, highlights).setMeta('addToHistory', false));
        setFindings(list);
        editor.view.dom.dataset.cxScans = String(Number(editor.view.dom.dataset.cxScans ?? '0') + 1);
      });
    };
    const onUpdate = ({ transaction }: { transaction: { docChanged: boolean } }) => {
      if (!transaction.docChanged) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, BODY_SCAN_DELAY_MS);
    };
    client.call('compliance.scannerConfig', {}).then(
      (config) => {
        scanner.configure(config);
        if (!disposed) run();
      },
      () => {
        // Without the team's terms the rules still apply.
      },
    );
    editor.on('update', onUpdate);
    run();
    return () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      editor.off('update', onUpdate);
    };
  }, [editor, store, client, en]);

  return findings;
}
