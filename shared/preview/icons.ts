/**
 * The few icons the surfaces draw, as SVG path data on a 24 × 24 grid: the page draws them as <svg><path>, the host
 * as a canvas Path2D, from the same strings.
 */
import type { IconName } from './model';

export interface IconShape {
  d: string;
  fillRule: 'nonzero' | 'evenodd';
}

export const ICONS: Record<IconName, IconShape> = {
  chevronRight: { d: 'M9.4 4.6 8 6l6 6-6 6 1.4 1.4L16.8 12z', fillRule: 'nonzero' },
  // A picture frame with a mountain and a sun: a cover that is not there yet.
  image: {
    d: 'M3 5.5A1.5 1.5 0 0 1 4.5 4h15A1.5 1.5 0 0 1 21 5.5v13a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5zM5 6v10.2l4.2-4.2 3.3 3.3 2.3-2.3L19 17.2V6zm10 2a1.8 1.8 0 1 1 0 3.6A1.8 1.8 0 0 1 15 8z',
    fillRule: 'evenodd',
  },
  // Two linked rings, after the mini-program mark.
  miniProgram: {
    d: 'M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 1.8a8.2 8.2 0 1 0 0 16.4 8.2 8.2 0 0 0 0-16.4zM9.3 8.6a3.4 3.4 0 1 1 0 6.8 3.4 3.4 0 0 1 0-6.8zm0 1.6a1.8 1.8 0 1 0 0 3.6 1.8 1.8 0 0 0 0-3.6zm5.4-1.6a3.4 3.4 0 1 1 0 6.8 3.4 3.4 0 0 1 0-6.8zm0 1.6a1.8 1.8 0 1 0 0 3.6 1.8 1.8 0 0 0 0-3.6z',
    fillRule: 'evenodd',
  },
  // Two speech bubbles, after WeChat's app icon.
  wechat: {
    d: 'M9.5 3.5c4 0 7.2 2.6 7.2 5.8 0 .2 0 .3-.1.5-3.3.1-6 2.4-6 5.3 0 .4.1.9.2 1.3h-1.3c-.8 0-1.6-.1-2.3-.3L4.6 17.3l.6-2.1C3.4 14.1 2.3 12.4 2.3 10.4c0-3.8 3.2-6.9 7.2-6.9zm6.8 7.6c3 0 5.4 2 5.4 4.5 0 1.4-.8 2.7-2 3.5l.4 1.6-1.9-1c-.6.2-1.2.3-1.9.3-3 0-5.4-2-5.4-4.4s2.4-4.5 5.4-4.5z',
    fillRule: 'nonzero',
  },
};
