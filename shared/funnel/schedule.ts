/** The schedule: every timed step of a plan in time order, for the calendar view and the CSV. */
import { SEND_KINDS, type FunnelDocument, type FunnelNode } from './document';
import { dayOf, monthOf } from './time';

export interface ScheduleEntry {
  node: FunnelNode;
  at: string;
  day: string;
  month: string;
}

/** Sends and timed steps in time order (ties in canvas order); steps without a time are left out. */
export function scheduleOf(doc: FunnelDocument): ScheduleEntry[] {
  return doc.nodes
    .map((node, index) => ({ node, index }))
    .filter(({ node }) => node.at !== null && (SEND_KINDS.includes(node.kind) || node.kind === 'miniProgramPage' || node.kind === 'communityGroup'))
    .sort((a, b) => (a.node.at! < b.node.at! ? -1 : a.node.at! > b.node.at! ? 1 : a.index - b.index))
    .map(({ node }) => ({ node, at: node.at!, day: dayOf(node.at!), month: monthOf(node.at!) }));
}

/** The months a schedule spans, each with its days that hold at least one step. */
export function scheduleByMonth(entries: readonly ScheduleEntry[]): Array<{ month: string; days: Array<{ day: string; entries: ScheduleEntry[] }> }> {
  const months: Array<{ month: string; days: Array<{ day: string; entries: ScheduleEntry[] }> }> = [];
  for (const entry of entries) {
    let month = months.at(-1);
    if (!month || month.month !== entry.month) months.push((month = { month: entry.month, days: [] }));
    let day = month.days.at(-1);
    if (!day || day.day !== entry.day) month.days.push((day = { day: entry.day, entries: [] }));
    day.entries.push(entry);
  }
  return months;
}
