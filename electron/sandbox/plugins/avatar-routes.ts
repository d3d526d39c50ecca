/**
 * `GET /mmopen/<userId>/<size>`: the images behind the sandbox's `headimgurl` values.
 */
import type { FastifyInstance } from 'fastify';
import { AVATAR_SIZES, avatarPng } from '../avatars';
import type { SandboxContext } from '../context';

export async function avatarRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { userId: string; size: string } }>('/mmopen/:userId/:size', async (request, reply) => {
    const size = Number(request.params.size);
    const user = ctx.users.get(request.params.userId);
    if (!user || !(AVATAR_SIZES as readonly number[]).includes(size) || !/^\d+$/.test(request.params.size)) {
      return reply.status(404).type('text/plain').send('not found');
    }
    const key = `${user.id}/${size}`;
    let png = cache.get(key);
    if (!png) cache.set(key, (png = avatarPng(user.id, size === 0 ? 640 : size)));
    return reply.type('image/png').header('cache-control', 'public, max-age=86400').send(png);
  });
}
