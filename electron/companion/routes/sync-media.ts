/**
 * The binary routes of media sync (shared/companion/sync-media.ts): a chunk upload whose raw body is streamed to the
 * blob store, and a download streamed from it. Outside the JSON route table because neither body is JSON; roles are
 * checked by the auth plugin like every other route (before the body is read).
 */
import type { FastifyInstance } from 'fastify';
import { SYNC_MEDIA_ROUTES, syncMediaUploadQuerySchema } from '../../../shared/companion/api';
import { CompanionError } from '../errors';
import type { CompanionOptions } from '../plugins/types';

export async function syncMediaRoutes(app: FastifyInstance, _opts: CompanionOptions): Promise<void> {
  // Encapsulated to these routes: the body reaches the handler as the request stream, unread.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.route({
    method: SYNC_MEDIA_ROUTES.upload.method,
    url: SYNC_MEDIA_ROUTES.upload.path,
    config: { role: SYNC_MEDIA_ROUTES.upload.role },
    handler: async (request) => {
      const query = syncMediaUploadQuerySchema.safeParse(request.query);
      if (!query.success) throw new CompanionError('INVALID_INPUT', `Invalid upload query: ${query.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      if (request.headers['content-type'] !== 'application/octet-stream') throw new CompanionError('INVALID_INPUT', 'An upload chunk is application/octet-stream');
      const { hash } = request.params as { hash: string };
      return app.companion.syncMedia.append(hash, query.data.offset, query.data.size, request.body as NodeJS.ReadableStream as never);
    },
  });

  app.route({
    method: SYNC_MEDIA_ROUTES.download.method,
    url: SYNC_MEDIA_ROUTES.download.path,
    config: { role: SYNC_MEDIA_ROUTES.download.role },
    handler: async (request, reply) => {
      const { hash } = request.params as { hash: string };
      const { stream, size } = app.companion.syncMedia.open(hash);
      reply.header('Content-Type', 'application/octet-stream');
      reply.header('Content-Length', String(size));
      // One file per connection: a streamed answer left in a client's keep-alive pool would hold up the server's close.
      reply.header('Connection', 'close');
      return stream;
    },
  });
}
