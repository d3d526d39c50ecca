import type { lessonBodyZhCN } from './i18n-zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** The lesson body editor's strings in English: same keys as the Chinese (checked by the type). */
export const lessonBodyEnUS: Shape<typeof lessonBodyZhCN> = {
  open: 'Edit the body of “{{title}}”',
  openShort: 'Body',
  pageLabel: 'Lesson body: {{title}}',
  back: 'Back to the course',
  editorLabel: 'Lesson body',
  placeholder: 'Write the lesson here. Paste from Word, web pages or WeChat articles: formatting is reduced to what WeChat articles keep.',
  notFound: 'This lesson cannot be found. It may have been deleted, or the course outline has not been saved yet.',
  toolbar: {
    label: 'Body formatting',
    paragraph: 'Paragraph',
    h2: 'Heading 2',
    h3: 'Heading 3',
    bold: 'Bold',
    italic: 'Italic',
    underline: 'Underline',
    strike: 'Strikethrough',
    code: 'Inline code',
    bulletList: 'Bulleted list',
    orderedList: 'Numbered list',
    blockquote: 'Quote',
    codeBlock: 'Code block',
    divider: 'Divider',
    image: 'Insert image',
    undo: 'Undo',
    redo: 'Redo',
  },
  save: {
    saved: 'Saved',
    dirty: 'Unsaved changes',
    saving: 'Saving…',
    over: 'Over WeChat’s article limits: not saved until it fits',
    error: 'Save failed: {{reason}}',
    conflict: 'The body was changed elsewhere; reopen it',
    retry: 'Retry',
    reload: 'Reopen',
  },
  counters: {
    chars: 'Characters {{count}} / {{max}}',
    bytes: 'Size {{size}} / 1 MB',
    limitSource: 'A WeChat article body must have fewer than 20,000 characters and be under 1 MB (draft/add API)',
  },
  field: {
    'body.tooManyChars': 'The body has {{count}} characters; a WeChat article body must have fewer than 20,000. Cut it or split it into two lessons.',
    'body.tooLarge': 'The body’s HTML is {{size}}; a WeChat article body must be under 1 MB. Cut content or use fewer text styles.',
    'body.unknownImage': 'An image in the body is not in this workspace’s media. Insert it again.',
  },
  images: {
    pending: '{{count}} images are stored on this computer and uploaded to WeChat on sync',
    notFitting: '{{count}} images will not be accepted in a WeChat article (JPG/PNG under 1 MB only); replace them before syncing',
    importing: 'Importing images…',
    remote: 'WeChat image (already on WeChat’s servers)',
  },
  notice: {
    droppedImages: '{{count}} external images in the pasted content were left out: WeChat articles only show images uploaded to WeChat. Save them and add them with “Insert image”.',
    droppedElements: 'Removed what WeChat articles do not support: {{names}}.',
    dismiss: 'Got it',
  },
  findings: {
    title: 'Compliance in the body',
    none: 'Nothing found in the body',
    select: 'Select “{{text}}” in the body',
  },
};
