import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Bilingual } from '../../../../shared/domain/compliance-labels';
import { useStores } from '../../app/stores';
import { useEditorStore } from '../courses/CourseEditor';
import { createComplianceStore, type ComplianceState, type ComplianceStore } from './compliance-store';
import { ReportPanel } from './ReportPanel';
import './compliance.css';

const ComplianceContext = createContext<ComplianceStore | null>(null);

/** Compliance for the course open in the editor: live highlights, the host's findings, the gate and the report. */
export function ComplianceProvider({ children }: { children: ReactNode }) {
  const { client } = useStores();
  const editor = useEditorStore();
  const [store] = useState(() => createComplianceStore(client, editor));
  useEffect(() => store.getState().start(), [store]);
  return (
    <ComplianceContext.Provider value={store}>
      {children}
      <ReportPanel />
    </ComplianceContext.Provider>
  );
}

export function useComplianceStore(): ComplianceStore {
  const store = useContext(ComplianceContext);
  if (!store) throw new Error('useComplianceStore outside ComplianceProvider');
  return store;
}

export function useCompliance<T>(selector: (state: ComplianceState) => T): T {
  return useStore(useComplianceStore(), selector);
}

/** Picks the UI language's half of a bilingual text. */
export function useBilingual(): (text: Bilingual) => string {
  const { i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  return (text) => (en ? text.en : text.zh);
}
