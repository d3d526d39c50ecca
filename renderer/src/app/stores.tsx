import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StudioClient } from '../api/client';
import type { CourseListState, CourseListStore } from '../features/courses/course-list-store';
import type { AppState, AppStore } from './app-store';

export interface Stores {
  client: StudioClient;
  app: AppStore;
  courses: CourseListStore;
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresProvider');
  return stores;
}

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useStores().app, selector);
}

export function useCourseList<T>(selector: (state: CourseListState) => T): T {
  return useStore(useStores().courses, selector);
}
