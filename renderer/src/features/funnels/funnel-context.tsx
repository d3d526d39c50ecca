import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FunnelState, FunnelStore } from './funnel-store';

const FunnelContext = createContext<FunnelStore | null>(null);

export function FunnelProvider({ store, children }: { store: FunnelStore; children: ReactNode }) {
  return <FunnelContext.Provider value={store}>{children}</FunnelContext.Provider>;
}

export function useFunnelStore(): FunnelStore {
  const store = useContext(FunnelContext);
  if (!store) throw new Error('useFunnelStore outside FunnelProvider');
  return store;
}

export function useFunnel<T>(selector: (state: FunnelState) => T): T {
  return useStore(useFunnelStore(), selector);
}

/** Selectors used by several components, defined once so their identity is stable. */
export const selectDoc = (s: FunnelState) => s.history.present;
export const selectAnalysis = (s: FunnelState) => s.analysis;
export const selectSelection = (s: FunnelState) => s.selection;
export const selectActuals = (s: FunnelState) => s.actuals;
