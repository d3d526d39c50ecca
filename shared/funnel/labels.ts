/** Names of node kinds in both UI languages: used by the canvas, the CSV and the PNG export alike. */
import type { NodeKind } from './document';

export const NODE_KIND_LABELS: Record<NodeKind, { zh: string; en: string }> = {
  serviceMassSend: { zh: '服务号群发', en: 'Service account mass send' },
  subscriptionPost: { zh: '订阅号推送', en: 'Subscription account post' },
  templateMessage: { zh: '模板/订阅消息', en: 'Template / subscribe message' },
  miniProgramPage: { zh: '小程序页面', en: 'Mini-program page' },
  liveRoom: { zh: '直播间', en: 'Live room' },
  wecomOneToOne: { zh: '企业微信 1 对 1', en: 'WeCom 1:1 follow-up' },
  wecomGroupBroadcast: { zh: '企业微信客户群发', en: 'WeCom group broadcast' },
  wecomMoments: { zh: '企业微信客户朋友圈', en: 'WeCom customer Moments' },
  momentsAd: { zh: '朋友圈广告', en: 'Moments ad' },
  posterQr: { zh: '海报/二维码', en: 'Poster / QR' },
  communityGroup: { zh: '社群', en: 'Community group' },
  purchase: { zh: '购买（目标）', en: 'Purchase (goal)' },
  refund: { zh: '退款', en: 'Refund' },
};

/** A colour per kind for the canvas and the PNG (WeUI palette, wechat-surfaces.md B8). */
export const NODE_KIND_COLORS: Record<NodeKind, string> = {
  serviceMassSend: '#07C160',
  subscriptionPost: '#06AE56',
  templateMessage: '#10AEFF',
  miniProgramPage: '#576B95',
  liveRoom: '#FA5151',
  wecomOneToOne: '#10AEFF',
  wecomGroupBroadcast: '#1485EE',
  wecomMoments: '#1485EE',
  momentsAd: '#FA9D3B',
  posterQr: '#FFC300',
  communityGroup: '#95EC69',
  purchase: '#07C160',
  refund: '#FA5151',
};
