/**
 * What a poster's tracking QR carries, so that a scan is attributed to the poster and to the person who shared it.
 *
 * With a companion bound, a parametric official-account QR: the companion's `scenes.create` (shared/companion/api.ts)
 * with `ownerKind: 'inviter'` and `ownerId: sceneOwnerId(posterId, inviteCode)` (or `ownerKind: 'poster'` and the
 * poster id when there is no inviter); the QR holds the scene's weixin.qq.com/q/… URL and the companion counts scans
 * and follows per scene.
 *
 * Without one, the local tracking link: `<linkBase>/<posterId>?inviter=<inviteCode>` — `linkBase` from the brand kit
 * (an https URL of the creator's own course site), the poster id as the last path segment, the inviter as a query
 * parameter (percent-encoded, omitted when there is none). The creator's site reads both from the URL.
 */
export const TRACKING_PLACEHOLDER_BASE = 'https://poster.invalid/p';

/** The local tracking link (see above). An empty `linkBase` uses a placeholder that the editor warns about. */
export function trackingLink(linkBase: string, posterId: string, inviteCode: string | undefined): string {
  const base = (linkBase || TRACKING_PLACEHOLDER_BASE).replace(/\/+$/, '');
  const query = inviteCode ? `?inviter=${encodeURIComponent(inviteCode)}` : '';
  return `${base}/${encodeURIComponent(posterId)}${query}`;
}

/** Reads a local tracking link back (tests, the creator's site): null when it is not one of ours. */
export function parseTrackingLink(url: string): { posterId: string; inviteCode: string | null } | null {
  const m = /^https:\/\/[^?#]+\/([^/?#]+)(?:\?inviter=([^&#]*))?$/.exec(url);
  if (!m) return null;
  return { posterId: decodeURIComponent(m[1]!), inviteCode: m[2] !== undefined ? decodeURIComponent(m[2]) : null };
}

/** The companion scene owner for one inviter on one poster: at most 40 characters (the route's limit). */
export function sceneOwnerId(posterId: string, inviteCode: string): string {
  return `${posterId.slice(0, 16)}.${inviteCode}`.slice(0, 40);
}
