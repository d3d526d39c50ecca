/**
 * Avatars for sandbox users: small PNG identicons (a symmetric 5×5 pattern on a colour of the user's own), so every
 * `headimgurl` points at a real image the sandbox serves.
 */
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';

/** The sizes WeChat offers as the last path segment of headimgurl; 0 means 640×640 (§2.4). */
export const AVATAR_SIZES = [0, 46, 64, 96, 132] as const;

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** A `size`×`size` PNG for `userId` (deterministic). */
export function avatarPng(userId: string, size: number): Buffer {
  const hash = createHash('sha256').update(userId).digest();
  const hue = ((hash[0]! << 8) | hash[1]!) % 360;
  const background = hslToRgb(hue, 0.55, 0.88);
  const foreground = hslToRgb(hue, 0.6, 0.45);
  const png = new PNG({ width: size, height: size });
  const cell = size / 7;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = Math.floor(x / cell) - 1;
      const cy = Math.floor(y / cell) - 1;
      let on = false;
      if (cx >= 0 && cx < 5 && cy >= 0 && cy < 5) {
        const col = cx < 3 ? cx : 4 - cx;
        on = ((hash[2 + cy]! >> col) & 1) === 1;
      }
      const [r, g, b] = on ? foreground : background;
      const i = (y * size + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
