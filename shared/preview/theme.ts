/**
 * WeUI's colour tokens in light and dark mode (wechat-surfaces.md B8, from Tencent/weui's theme variables [U1][U2])
 * and the device profiles the previews are drawn for.
 */

export const APPEARANCES = ['light', 'dark'] as const;
export type Appearance = (typeof APPEARANCES)[number];

export interface Palette {
  /** BG-0: page background (chat, feed). */
  bg0: string;
  /** BG-1: grouped / inset background (the Moments link box). */
  bg1: string;
  /** BG-2: cell and card background. */
  bg2: string;
  /** FG-0 … FG-3: primary, secondary, tertiary text and dividers. */
  fg0: string;
  fg1: string;
  fg2: string;
  fg3: string;
  brand: string;
  link: string;
  textGreen: string;
  red: string;
  orange: string;
  yellow: string;
  blue: string;
  lightGreen: string;
  /** Placeholder blocks (a missing cover, skeleton text of the other articles). */
  placeholder: string;
  /** Text drawn on a photo (the lead article's title). */
  onImage: string;
}

export const PALETTES: Record<Appearance, Palette> = {
  light: {
    bg0: '#EDEDED',
    bg1: '#F7F7F7',
    bg2: '#FFFFFF',
    fg0: 'rgba(0,0,0,0.9)',
    fg1: 'rgba(0,0,0,0.5)',
    fg2: 'rgba(0,0,0,0.3)',
    fg3: 'rgba(0,0,0,0.1)',
    brand: '#07C160',
    link: '#576B95',
    textGreen: '#06AE56',
    red: '#FA5151',
    orange: '#FA9D3B',
    yellow: '#FFC300',
    blue: '#10AEFF',
    lightGreen: '#95EC69',
    placeholder: '#E5E5E5',
    onImage: '#FFFFFF',
  },
  dark: {
    bg0: '#111111',
    bg1: '#1E1E1E',
    bg2: '#191919',
    fg0: 'rgba(255,255,255,0.8)',
    fg1: 'rgba(255,255,255,0.5)',
    fg2: 'rgba(255,255,255,0.3)',
    fg3: 'rgba(255,255,255,0.05)',
    brand: '#07C160',
    link: '#7D90A9',
    textGreen: '#259C5C',
    red: '#FA5151',
    orange: '#C87D2F',
    yellow: '#CC9C00',
    blue: '#10AEFF',
    lightGreen: '#3EB575',
    placeholder: '#2C2C2C',
    onImage: '#FFFFFF',
  },
};

/** WeUI's font stacks [U3]; the previews put the bundled Noto Sans SC first so that drawing matches measuring. */
export const PREVIEW_FONT_FAMILY = 'Creator Preview Sans SC';
export const WEUI_FONT_STACK = `"${PREVIEW_FONT_FAMILY}", -apple-system-font, "Helvetica Neue", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"`;

export const DEVICE_IDS = ['standard375', 'iphone15', 'android360', 'android412'] as const;
export type DeviceId = (typeof DEVICE_IDS)[number];

export interface DeviceProfile {
  id: DeviceId;
  /** Screen width in points (iOS) or dp (Android): the CSS pixel width the surfaces are laid out at. */
  width: number;
  platform: 'ios' | 'android';
  /** Device pixels per point, for a sharp PNG export at the device's own resolution. */
  pixelRatio: number;
}

/**
 * 375 pt is the width WeChat's designs are drawn at (iPhone 6/7/8/SE 2nd gen.); the others are the common widths of
 * a current iPhone and of Android phones (360 dp: many Huawei and Xiaomi models; 412 dp: Pixel and large phones).
 */
export const DEVICES: Record<DeviceId, DeviceProfile> = {
  standard375: { id: 'standard375', width: 375, platform: 'ios', pixelRatio: 2 },
  iphone15: { id: 'iphone15', width: 393, platform: 'ios', pixelRatio: 3 },
  android360: { id: 'android360', width: 360, platform: 'android', pixelRatio: 3 },
  android412: { id: 'android412', width: 412, platform: 'android', pixelRatio: 2.625 },
};
