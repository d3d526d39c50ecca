import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PosterEditorState, PosterEditorStore } from './poster-store';

const Context = createContext<PosterEditorStore | null>(null);

/** Provides one open poster's store to the editor's components (two posters open at once get two stores). */
export function PosterEditorProvider({ store, children }: { store: PosterEditorStore; children: ReactNode }) {
  return <Context.Provider value={store}>{children}</Context.Provider>;
}

export function usePosterEditorStore(): PosterEditorStore {
  const store = useContext(Context);
  if (!store) throw new Error('usePosterEditor outside PosterEditorProvider');
  return store;
}

export function usePosterEditor<T>(selector: (state: PosterEditorState) => T): T {
  return useStore(usePosterEditorStore(), selector);
}
