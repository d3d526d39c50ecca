/**
 * The host's handlers for the `compliance.*` methods, spread into the handler table of host.ts. They resolve who is
 * acting (the bound team member, else this computer's user) and turn reports into files' contents; the work itself
 * is in ComplianceService.
 */
import os from 'node:os';
import type { HandlerInput, MethodOutput } from '../../../shared/contract/index';
import type { complianceMethods } from '../../../shared/contract/compliance';
import type { Locale } from '../../../shared/settings';
import type { CourseService } from './courses';
import type { Actor, ComplianceService } from './compliance';
import { buildReport, renderReportHtml, reportFileName } from './compliance-report';
import { renderReportPdf } from './compliance-pdf';

type ComplianceMethod = keyof typeof complianceMethods;
export type ComplianceHandlers = {
  [M in ComplianceMethod]: (input: HandlerInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export interface ComplianceHandlerDeps {
  workspace: () => { compliance: ComplianceService; courses: CourseService };
  /** The name of the team member this studio is bound as, or null when no companion is ready. */
  teamMemberName: () => Promise<string | null>;
  locale: () => Locale;
  now: () => Date;
  log: (line: string) => void;
}

/** This computer's user account name; never empty. */
export function osUserName(): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry for this uid (containers): fall back to the environment.
  }
  return process.env.USER || process.env.USERNAME || 'unknown';
}

export function complianceHandlers(deps: ComplianceHandlerDeps): ComplianceHandlers {
  const service = () => deps.workspace().compliance;

  async function actor(): Promise<Actor> {
    try {
      const name = await deps.teamMemberName();
      if (name) return { name, source: 'team' };
    } catch (error) {
      deps.log(`compliance: team member unknown, recording the OS user (${error instanceof Error ? error.message : String(error)})`);
    }
    return { name: osUserName(), source: 'os' };
  }

  function report(courseId: string, locale: Locale | undefined) {
    const { compliance, courses } = deps.workspace();
    const course = courses.get(courseId);
    const publish = compliance.publishState(courseId);
    const scan = compliance.scanCourse(courseId);
    const trail = compliance.auditTrail({ courseId, limit: 500, offset: 0 }).items.reverse();
    const generatedAt = deps.now();
    const model = buildReport({ course, scan, trail, publish, locale: locale ?? deps.locale(), generatedAt });
    return { model, generatedAt };
  }

  return {
    'compliance.scanCourse': ({ courseId }) => service().scanCourse(courseId),
    'compliance.gate': ({ courseId }) => service().gate(courseId),
    'compliance.acknowledge': async (input) => service().acknowledge(input, await actor()),
    'compliance.revoke': async (input) => service().revoke(input, await actor()),
    'compliance.auditTrail': (input) => service().auditTrail(input),
    'compliance.actor': () => actor(),
    'compliance.publishState': ({ courseId }) => service().publishState(courseId),
    'compliance.submitForPublish': async ({ courseId }) => service().submitForPublish(courseId, await actor()),
    'compliance.withdrawFromPublish': async ({ courseId }) => service().withdrawFromPublish(courseId, await actor()),
    'compliance.scannerConfig': () => service().scannerConfig(),
    'compliance.lists': () => ({ items: service().lists() }),
    'compliance.createList': (input) => service().createList(input),
    'compliance.updateList': (input) => service().updateList(input),
    'compliance.deleteList': ({ id }) => service().deleteList(id),
    'compliance.listTerms': (input) => service().listTerms(input),
    'compliance.addTerms': (input) => service().addTerms(input),
    'compliance.removeTerms': (input) => service().removeTerms(input),
    'compliance.importList': (input) => service().importList(input),
    'compliance.exportHtml': ({ courseId, locale }) => {
      const { model, generatedAt } = report(courseId, locale);
      return { fileName: reportFileName(model.courseTitle, model.lang, 'html', generatedAt), html: renderReportHtml(model) };
    },
    'compliance.exportPdf': ({ courseId, locale }) => {
      const { model, generatedAt } = report(courseId, locale);
      return { fileName: reportFileName(model.courseTitle, model.lang, 'pdf', generatedAt), dataBase64: renderReportPdf(model).toString('base64') };
    },
  };
}
