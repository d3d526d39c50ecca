import { createContext, useContext } from 'react';

/**
 * Reloads the open course editor from the host (a fresh editor store on the stored course), for changes made outside
 * the editor's own saves — a version restore. Provided by CourseEditorRoute.
 */
export const EditorReloadContext = createContext<() => void>(() => {});

export function useEditorReload(): () => void {
  return useContext(EditorReloadContext);
}
