/**
 * Parametric QR codes over HTTP (§4.1, §4.2): tickets, their URLs, and showqrcode images decoded back with jsQR.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/index';
import { WEB_APP_ID, WEB_SECRET, baseToken, startSandbox, wx } from '../../helpers/sandbox';

async function create(sandbox: Sandbox, body: unknown, token?: string): Promise<Record<string, unknown>> {
  return wx(sandbox, `/cgi-bin/qrcode/create?access_token=${encodeURIComponent(token ?? (await baseToken(sandbox)))}`, body);
}

async function showqrcode(sandbox: Sandbox, ticket: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(String(ticket))}`);
}

function decodePng(bytes: Buffer): string | undefined {
  const png = PNG.sync.read(bytes);
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data;
}

describe('qrcode/create and showqrcode', () => {
  it('issues a temporary ticket whose image decodes to its weixin.qq.com/q/ URL', async () => {
    const sandbox = await startSandbox();
    const answer = await create(sandbox, { expire_seconds: 604800, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'poster-42' } } });
    expect(answer).toMatchObject({ expire_seconds: 604800, url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\/[A-Za-z0-9_-]+$/) });
    const res = await showqrcode(sandbox, answer.ticket);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(decodePng(Buffer.from(await res.arrayBuffer()))).toBe(answer.url);
  });

  it('gives permanent codes no expire_seconds, and temporary ones 60 s when omitted', async () => {
    const sandbox = await startSandbox();
    const permanent = await create(sandbox, { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 7 } } });
    expect(permanent).not.toHaveProperty('expire_seconds');
    expect(await create(sandbox, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 7 } } })).toMatchObject({ expire_seconds: 60 });
  });

  it('answers JSON for unknown and expired tickets; permanent tickets keep working', async () => {
    const sandbox = await startSandbox();
    const temporary = await create(sandbox, { expire_seconds: 600, action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } });
    const permanent = await create(sandbox, { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'forever' } } });
    const unknown = await showqrcode(sandbox, 'no-such-ticket');
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await unknown.json()).toMatchObject({ errcode: 40097 });

    await sandbox.clock.advance(601);
    const expired = await showqrcode(sandbox, temporary.ticket);
    expect(await expired.json()).toMatchObject({ errcode: 40097, errmsg: expect.stringMatching(/^ticket expired rid: /) });
    expect((await showqrcode(sandbox, permanent.ticket)).headers.get('content-type')).toBe('image/png');
  });

  it('validates over HTTP: 40097 for bad bodies, 47001 for non-JSON, 48001 for a website app token', async () => {
    const sandbox = await startSandbox();
    const token = await baseToken(sandbox);
    expect(await create(sandbox, { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100001 } } }, token)).toMatchObject({ errcode: 40097 });
    const res = await fetch(`${sandbox.url}/cgi-bin/qrcode/create?access_token=${encodeURIComponent(token)}`, { method: 'POST', body: 'action_name=QR_SCENE' });
    expect(await res.json()).toMatchObject({ errcode: 47001 });
    const webToken = await baseToken(sandbox, WEB_APP_ID, WEB_SECRET);
    expect(await create(sandbox, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } }, webToken)).toMatchObject({ errcode: 48001 });
  });
});
