/** The export's own PNG writer: the pixels a decoder reads back are the canvas's, translucent ones included. */
import { createCanvas } from '@napi-rs/canvas';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../electron/studio/services/poster-render';

describe('encodePng', () => {
  it('round-trips opaque, translucent and transparent pixels through a standard decoder', () => {
    const canvas = createCanvas(40, 30);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#12AB34';
    ctx.fillRect(0, 0, 20, 30);
    ctx.fillStyle = 'rgba(200, 100, 50, 0.5)';
    ctx.fillRect(20, 0, 10, 30);
    const png = PNG.sync.read(encodePng(canvas));
    expect([png.width, png.height]).toEqual([40, 30]);
    const expected = ctx.getImageData(0, 0, 40, 30).data;
    for (let i = 0; i < expected.length; i++) expect(Math.abs(png.data[i]! - expected[i]!), `byte ${i}`).toBeLessThanOrEqual(1);
    const at = (x: number, y: number) => [...png.data.subarray((y * 40 + x) * 4, (y * 40 + x) * 4 + 4)];
    expect(at(5, 5)).toEqual([0x12, 0xab, 0x34, 255]);
    expect(at(35, 5)).toEqual([0, 0, 0, 0]);
    expect(at(25, 5)[3]).toBe(128);
  });
});
