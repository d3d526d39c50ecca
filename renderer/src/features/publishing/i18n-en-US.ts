import type { publishingZhCN } from './i18n-zh-CN';

/** Publishing, live reminders and offline data (English). */
export const publishingEnUS: typeof publishingZhCN = {
  title: 'Publish to the official account',
  start: 'Publish to the official account',
  starting: 'Submitting…',
  again: 'Publish again',
  intro: 'Publishing runs the compliance check first and saves a version. The cover and body images are uploaded to the account’s library.',
  blocked: 'The compliance check did not pass: {{count}} finding(s) must be dealt with first. Nothing was uploaded.',
  failed: 'Publishing failed: {{reason}}',
  state: {
    uploading: 'Uploading the cover and images…',
    drafting: 'Creating the draft…',
    submitting: 'Submitting…',
    publishing: 'WeChat is publishing…',
    published: 'Published',
    failed: 'Publishing failed',
    noPublishRights: 'This account may not publish through the API',
  },
  outcome: {
    2: 'the originality check failed',
    3: 'WeChat could not publish it',
    4: 'the platform’s review rejected it',
    5: 'the article was deleted',
    6: 'the article was banned by the platform',
  },
  errcode: 'WeChat answered errcode {{errcode}}',
  articleUrl: 'Article link',
  noRights: {
    explain:
      'Since July 2025 personal and unverified official accounts cannot publish through the API (WeChat answers 48001). Copy the content below, paste it into a new article on mp.weixin.qq.com and publish it by hand.',
    copy: 'Copy HTML',
    copied: 'Copied to the clipboard',
    save: 'Save as an HTML file',
    images: '{{count}} image(s) embedded in the HTML',
  },
  reminders: {
    title: 'Live reminders',
    intro: 'Before the session starts, at the reminder times chosen above, buyers get a template or subscribe message. Template messages reach followers only and count against a daily quota.',
    kind: 'Message type',
    template: 'Template message',
    subscribe: 'Subscribe message (needs the buyer’s consent)',
    templateId: 'Template ID',
    schedule: 'Schedule reminders',
    scheduled: '{{count}} reminder(s) scheduled',
    empty: 'No reminders scheduled yet',
    sendAt: 'Sends {{time}}',
    states: {
      scheduled: 'Waiting',
      sending: 'Sending',
      done: 'Done',
      quotaWait: 'Daily quota reached; continues {{time}}',
      cancelled: 'Cancelled',
    },
    counts: 'Delivered {{delivered}} · sent {{sent}} · not following {{notFollowing}} · no consent {{notSubscribed}} · waiting for quota {{quotaWait}} · missed {{missed}} · failed {{failed}}',
  },
  cached: 'The companion cannot be reached; showing the data synced {{time}} (read only).',
};
