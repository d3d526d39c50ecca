/**
 * The host's handlers for search, versions and packages (the methods of shared/contract/library.ts), spread into the
 * handler table of host.ts.
 */
import type { HandlerInput, MethodOutput, libraryMethods } from '../../../shared/contract/index';
import { StudioError } from '../../../shared/contract/index';
import type { PackageService } from './packages';
import type { SearchIndex } from './search';
import type { VersionService } from './versions';

type LibraryMethod = keyof ReturnType<typeof libraryMethods>;
export type LibraryHandlers = {
  [M in LibraryMethod]: (input: HandlerInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export interface LibraryDeps {
  workspace: () => { search: SearchIndex; versions: VersionService; packages: PackageService };
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
    'packages.export': ({ courseId }) => {
      const { fileName, data } = deps.workspace().packages.export(courseId);
      return { fileName, dataBase64: data.toString('base64'), size: data.length };
    },
    'packages.import': ({ dataBase64 }) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64)) {
        throw new StudioError('INVALID_INPUT', 'The file data is not valid base64', { fields: [{ path: 'package', code: 'package.notZip' }] });
      }
      const result = deps.workspace().packages.import(Buffer.from(dataBase64, 'base64'));
      deps.changed(result.course.id, result.course.version);
      return result;
    },
  };
}
