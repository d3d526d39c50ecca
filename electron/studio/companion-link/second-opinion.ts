/**
 * `compliance.secondOpinion`: WeChat's content check (msg_sec_check v2) through the companion's mini program, shown
 * beside our own findings. It is optional by nature — offline, or without a mini program, the local scan stands alone
 * — so every failure to get WeChat's view is an answer (`available: false` with a reason), never an error.
 */
import { SEC_LABEL_NORMAL, secLabelInfo, type SecCheckResult } from '../../../shared/companion/api';
import { StudioError, type SecondOpinion, type SecondOpinionReason } from '../../../shared/contract/index';

/** Asks the companion's `content.check`; null when this studio has no companion at all. */
export type ContentCheckCall = ((body: { text: string }) => Promise<SecCheckResult>) | null;

const RATE_ERRCODES = new Set([45009, 45011]);

/** Why a companion error means no second opinion. */
export function secondOpinionReason(error: StudioError): { reason: SecondOpinionReason; errcode?: number } {
  const errcode = typeof error.details?.errcode === 'number' ? error.details.errcode : undefined;
  switch (error.code) {
    case 'COMPANION_UNAVAILABLE':
    case 'WECHAT_UNREACHABLE':
    case 'OFFLINE':
      return { reason: 'offline' };
    // NOT_FOUND: a team companion from before the second opinion has no such route, so nothing is configured there.
    case 'NOT_CONFIGURED':
    case 'NOT_FOUND':
      return { reason: 'not_configured' };
    case 'RATE_LIMITED':
      return { reason: 'rate_limited' };
    case 'WECHAT_ERROR':
      if (errcode !== undefined && RATE_ERRCODES.has(errcode)) return { reason: 'rate_limited', errcode };
      return errcode === undefined ? { reason: 'error' } : { reason: 'error', errcode };
    default:
      return { reason: 'error' };
  }
}

export async function secondOpinion(call: ContentCheckCall, text: string, log: (line: string) => void): Promise<SecondOpinion> {
  if (!call) return { available: false, reason: 'offline' };
  // Nothing to check: WeChat would refuse empty content (44002), and blank text cannot break a rule.
  if (text.trim() === '') {
    const info = secLabelInfo(SEC_LABEL_NORMAL);
    return { available: true, suggest: 'pass', label: SEC_LABEL_NORMAL, labelName: info.name, categories: [], chunks: [] };
  }
  try {
    const result = await call({ text });
    return { available: true, ...result };
  } catch (error) {
    if (!(error instanceof StudioError)) throw error;
    const why = secondOpinionReason(error);
    if (why.reason === 'error') log(`second opinion unavailable: ${error.code}: ${error.message}`);
    return { available: false, ...why };
  }
}
