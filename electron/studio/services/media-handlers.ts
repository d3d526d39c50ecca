/**
 * The host's handlers for the media library's methods (`media.list` … `media.delete`), spread into the handler table
 * of host.ts; the work is in MediaLibrary. `media.importImage` stays in host.ts as it was.
 */
import type { HandlerInput, MethodOutput } from '../../../shared/contract/index';
import type { mediaMethods } from '../../../shared/contract/media';
import type { MediaLibrary } from './media-library';

type MediaMethod = keyof typeof mediaMethods;
export type MediaHandlers = {
  [M in MediaMethod]: (input: HandlerInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export function mediaHandlers(workspace: () => { library: MediaLibrary }): MediaHandlers {
  return {
    'media.list': (input) => workspace().library.list(input),
    'media.get': ({ hash }) => workspace().library.get(hash),
    'media.importStart': (input) => workspace().library.start(input),
    'media.importChunk': (input) => workspace().library.chunk(input),
    'media.importFinish': ({ sessionId }) => workspace().library.finish(sessionId),
    'media.importCancel': ({ sessionId }) => workspace().library.cancel(sessionId),
    'media.usages': ({ hash }) => ({ items: workspace().library.usages(hash) }),
    'media.delete': ({ hash }) => workspace().library.delete(hash),
  };
}
