/**
 * qrcode/create body validation by §4.1.
 */
import { describe, expect, it } from 'vitest';
import { parseQrRequest } from '../../../electron/sandbox/plugins/qrcode-routes';

const parse = (body: Record<string, unknown>) => parseQrRequest(body, 60);
const scene = (value: Record<string, unknown>) => ({ action_info: { scene: value } });

describe('parseQrRequest', () => {
  it('accepts the four action names with their scene kinds', () => {
    expect(parse({ action_name: 'QR_SCENE', expire_seconds: 600, ...scene({ scene_id: 123 }) })).toEqual({ action: 'QR_SCENE', scene: '123', expireSeconds: 600 });
    expect(parse({ action_name: 'QR_STR_SCENE', ...scene({ scene_str: '海报-A' }) })).toEqual({ action: 'QR_STR_SCENE', scene: '海报-A', expireSeconds: 60 });
    expect(parse({ action_name: 'QR_LIMIT_SCENE', expire_seconds: 10, ...scene({ scene_id: 100000 }) })).toEqual({ action: 'QR_LIMIT_SCENE', scene: '100000', expireSeconds: null });
    expect(parse({ action_name: 'QR_LIMIT_STR_SCENE', ...scene({ scene_str: 'x'.repeat(64) }) })).toMatchObject({ expireSeconds: null });
  });

  it('uses the configured default when expire_seconds is omitted (Appendix C: 60 or 30)', () => {
    expect(parseQrRequest({ action_name: 'QR_SCENE', ...scene({ scene_id: 1 }) }, 30)).toMatchObject({ expireSeconds: 30 });
  });

  it.each([
    ['an unknown action_name', { action_name: 'QR_FOREVER', ...scene({ scene_id: 1 }) }],
    ['a missing action_info', { action_name: 'QR_SCENE' }],
    ['scene_id 0', { action_name: 'QR_SCENE', ...scene({ scene_id: 0 }) }],
    ['a temporary scene_id above 32 bits', { action_name: 'QR_SCENE', ...scene({ scene_id: 2 ** 32 }) }],
    ['a permanent scene_id above 100000', { action_name: 'QR_LIMIT_SCENE', ...scene({ scene_id: 100001 }) }],
    ['a fractional scene_id', { action_name: 'QR_SCENE', ...scene({ scene_id: 1.5 }) }],
    ['an empty scene_str', { action_name: 'QR_STR_SCENE', ...scene({ scene_str: '' }) }],
    ['a 65-character scene_str', { action_name: 'QR_LIMIT_STR_SCENE', ...scene({ scene_str: 'x'.repeat(65) }) }],
    ['a scene_str action given a scene_id', { action_name: 'QR_STR_SCENE', ...scene({ scene_id: 5 }) }],
    ['expire_seconds above 30 days', { action_name: 'QR_SCENE', expire_seconds: 2_592_001, ...scene({ scene_id: 1 }) }],
    ['expire_seconds 0', { action_name: 'QR_SCENE', expire_seconds: 0, ...scene({ scene_id: 1 }) }],
    ['a string scene action without the scene wrapper', { action_name: 'QR_STR_SCENE', action_info: { scene_str: 'a' } }],
  ])('refuses %s with 40097', (_label, body) => {
    expect(parse(body)).toMatchObject({ errcode: 40097 });
  });

  it('accepts an integer scene without the `scene` wrapper as scene 0, the pitfall WeChat itself has (§4.1)', () => {
    expect(parse({ action_name: 'QR_SCENE', action_info: { scene_id: 42 } })).toMatchObject({ scene: '0' });
  });
});
