import { describe, expect, it } from 'vitest';
import { WECHAT_MATERIAL_LIMITS, checkWechatMaterial, checkWechatMaterials } from '../../../shared/domain/media';

const MB = 1024 * 1024;

describe('WeChat permanent-material checks', () => {
  it('passes a 64 KB JPEG as both image and thumb, and fails a byte more as a thumb only', () => {
    const ok = checkWechatMaterials('image', { format: 'jpeg', size: 64 * 1024, durationMs: null });
    expect(ok.map((c) => [c.material, c.ok])).toEqual([['image', true], ['thumb', true]]);
    const over = checkWechatMaterials('image', { format: 'jpeg', size: 64 * 1024 + 1, durationMs: null });
    expect(over[0]!.ok).toBe(true);
    expect(over[1]).toEqual({ material: 'thumb', ok: false, problems: [{ code: 'tooLarge', limit: 65536, actual: 65537 }] });
  });

  it('names every broken limit of a voice: format, size and length', () => {
    const check = checkWechatMaterial('voice', { format: 'm4a', size: 3 * MB, durationMs: 61_000 });
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      { code: 'format', limit: 'mp3/wav/amr/wma', actual: 'm4a' },
      { code: 'tooLarge', limit: 2 * MB, actual: 3 * MB },
      { code: 'tooLong', limit: 60_000, actual: 61_000 },
    ]);
    expect(checkWechatMaterial('voice', { format: 'mp3', size: 2 * MB, durationMs: 60_000 }).ok).toBe(true);
  });

  it('takes only MP4 up to 10 MB as video, and WebP is no image material', () => {
    expect(checkWechatMaterial('video', { format: 'mov', size: MB, durationMs: 1000 }).problems.map((p) => p.code)).toEqual(['format']);
    expect(checkWechatMaterial('video', { format: 'mp4', size: 10 * MB + 1, durationMs: 1000 }).problems.map((p) => p.code)).toEqual(['tooLarge']);
    expect(checkWechatMaterial('image', { format: 'webp', size: 1000, durationMs: null }).problems.map((p) => p.code)).toEqual(['format']);
    expect(WECHAT_MATERIAL_LIMITS.image.maxBytes).toBe(10 * MB);
  });
});
