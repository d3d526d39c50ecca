/**
 * Structured logs (pino, one JSON object per line) that never carry a secret: known secret fields are redacted
 * wherever they appear, Authorization and Cookie headers are never logged, and the query strings of request URLs
 * are logged with their sensitive values (OAuth codes and states, signatures, echostr, tokens) replaced.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const CENSOR = '[redacted]';

/**
 * Field names that hold a secret anywhere in a log object (pino's redaction, two levels deep). OAuth `code` and
 * `state` are not listed (`err.code` must stay readable): they only travel in URLs, which are sanitized below.
 */
const SECRET_FIELDS = [
  'appSecret',
  'secret',
  'token',
  'encodingAesKey',
  'masterKey',
  'pairingCode',
  'deviceToken',
  'access_token',
  'refresh_token',
  'authorization',
  'cookie',
  'echostr',
];

const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-sandbox-control"]',
];

/** Query parameters whose values are kept out of logged URLs. */
const SENSITIVE_QUERY = new Set([
  'code',
  'state',
  's',
  'token',
  'access_token',
  'secret',
  'signature',
  'msg_signature',
  'echostr',
  'nonce',
  'openid',
]);

/** `/oauth/callback?code=abc&state=xyz` → `/oauth/callback?code=[redacted]&state=[redacted]`. */
export function sanitizeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const parts: string[] = [];
  for (const [key, value] of params) parts.push(`${encodeURIComponent(key)}=${SENSITIVE_QUERY.has(key.toLowerCase()) ? CENSOR : encodeURIComponent(value)}`);
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

interface RawRequestLike {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

export interface LogOptions {
  level?: string;
  /** Where lines go: stderr by default (stdout carries only the ready line). Tests pass a collector. */
  stream?: DestinationStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'companion' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: {
        req: (req: RawRequestLike) => ({
          method: req.method,
          url: sanitizeUrl(req.url ?? ''),
          remoteAddress: req.ip ?? req.socket?.remoteAddress,
        }),
        err: pino.stdSerializers.err,
      },
    },
    options.stream ?? pino.destination({ dest: 2, sync: true }),
  );
}
