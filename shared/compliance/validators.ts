/**
 * Validators that decide whether a digit run is personal data (compliance-rules.md §3.5, §4 personal_data) and
 * whether a host is the tenant's own.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999 (ISO 7064 MOD 11-2) check character of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (ID_WEIGHTS[i] as number);
  return ID_CHECK[sum % 11] as string;
}

/** A real calendar date between 1900-01-01 and `today`. */
export function isRealBirthDate(yyyymmdd: string, today: Date = new Date()): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return date.getTime() <= today.getTime();
}

/** An 18-character mainland resident ID: 17 digits, a valid check character and a real birth date. */
export function isResidentId(id: string, today?: Date): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!/^[1-8]\d/.test(id)) return false; // region codes start 11–82
  if (!isRealBirthDate(id.slice(6, 14), today)) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id[17];
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** A bank card number: 16–19 digits starting 3–6 (UnionPay 62, Visa 4, Mastercard 5, JCB/AmEx 3) passing Luhn. */
export function isBankCard(digits: string): boolean {
  return /^[3-6]\d{15,18}$/.test(digits) && passesLuhn(digits);
}

/** A mainland mobile number (11 digits, 1[3-9]…). */
export function isMobile(digits: string): boolean {
  return /^1[3-9]\d{9}$/.test(digits);
}

/** Lower-cased host without a trailing dot; null when it is not a plausible host name. */
export function normalizeHost(host: string): string | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h)) return null;
  return h;
}

/** Exact or dot-suffix match: "weixin.qq.com" allows "mp.weixin.qq.com" but not "weixin.qq.com.evil.cn". */
export function isWhitelisted(host: string, whitelist: readonly string[]): boolean {
  const h = normalizeHost(host);
  if (!h) return false;
  for (const raw of whitelist) {
    const w = normalizeHost(raw.replace(/^\*\./, ''));
    if (!w) continue;
    if (h === w || h.endsWith(`.${w}`)) return true;
  }
  return false;
}
