/**
 * The sandbox's logger: the caller's pino logger (silent by default) with request serializers that keep only method,
 * redacted URL and caller — never headers (the control token travels in one), never secrets in query strings.
 */
import { pino, type Logger } from 'pino';
import { redactUrl } from './http-helpers';

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
}

export function sandboxLogger(base: Logger | undefined): Logger {
  return (base ?? pino({ level: 'silent' })).child(
    { service: 'sandbox' },
    {
      serializers: {
        req: (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.ip }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
  );
}
