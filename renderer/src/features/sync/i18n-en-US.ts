import type { syncZhCN } from './i18n-zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** Team sync in English (same keys as i18n-zh-CN.ts). */
export const syncEnUS: Shape<typeof syncZhCN> = {
  state: {
    off: 'Not synced (no team companion)',
    offline: 'Offline · {{count}} waiting',
    syncing: 'Syncing · {{count}}',
    synced: 'Synced',
    conflicts: '{{count}} conflicts to settle',
  },
  progress: { push: 'Sending {{done}}/{{total}}', pull: 'Receiving {{done}}' },
  indicatorLabel: 'Team sync status',
  lastSynced: 'Last synced: {{time}}',
  syncNow: 'Sync now',
  conflicts: {
    title: 'Sync conflicts',
    intro: 'You and a teammate changed the same thing. Both versions are kept: choose which stays. Your choice reaches every desktop.',
    none: 'No conflicts to settle.',
    kind: { course: 'Course', lessonBody: 'Lesson body' },
    mine: 'This desktop',
    theirs: 'Team version',
    by: '{{name}} at {{time}}',
    someone: 'a teammate',
    deleted: '(deleted)',
    empty: '(empty)',
    diffTitle: 'Differences (from the team version to this desktop’s)',
    reason: 'The team version cannot be written here as it is: {{reason}}',
    keepMine: 'Keep mine',
    keepTheirs: 'Take the team’s',
    keepBoth: 'Keep both (mine as a copy)',
    resolved: 'Conflict settled',
    field: { title: 'Title', summary: 'Summary', priceFen: 'Price (fen)', type: 'Type' },
  },
};
