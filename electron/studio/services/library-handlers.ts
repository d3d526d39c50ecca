/**
 * The host's handlers for search, versions and packages (the methods of shared/contract/library.ts), spread into the
 * handler table of host.ts.
 */
import type { HandlerInput, MethodOutput, libraryMethods } from '../../../shared/contract/index';
import type { PackageJobs } from './package-jobs';
import type { PackageService } from './packages';
import type { SearchIndex } from './search';
import type { VersionService } from './versions';

type LibraryMethod = keyof ReturnType<typeof libraryMethods>;
export type LibraryHandlers = {
  [M in LibraryMethod]: (input: HandlerInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export interface LibraryDeps {
  workspace: () => { search: SearchIndex; versions: VersionService; packages: PackageService; packageJobs: PackageJobs };
  /** Tells every window a course changed (the host's `courses.changed` event). */
  changed: (id: string, version: number) => void;
}

export function libraryHandlers(deps: LibraryDeps): LibraryHandlers {
  return {
    'search.query': ({ query, limit }) => deps.workspace().search.query(query, limit),
    'versions.list': ({ courseId }) => ({ items: deps.workspace().versions.list(courseId) }),
    'versions.snapshot': ({ courseId, label }) => deps.workspace().versions.snapshotCourse(courseId, 'manual', label),
    'versions.compare': ({ courseId, from, to }) => deps.workspace().versions.compare(courseId, from, to),
    'versions.restore': ({ courseId, seq, baseVersion }) => {
      const result = deps.workspace().versions.restore(courseId, seq, baseVersion);
      deps.changed(courseId, result.course.version);
      return result;
    },
    'packages.export': (input) => deps.workspace().packageJobs.export(deps.workspace().packages, input),
    'packages.uploadStart': (input) => deps.workspace().packageJobs.uploadStart(input),
    'packages.uploadChunk': (input) => deps.workspace().packageJobs.uploadChunk(input),
    'packages.import': async (input) => {
      const { packages, packageJobs } = deps.workspace();
      const result = await packageJobs.import(packages, input);
      if (result.outcome === 'imported') deps.changed(result.course.id, result.course.version);
      return result;
    },
    'packages.cancel': ({ id }) => deps.workspace().packageJobs.cancel(id),
  };
}
