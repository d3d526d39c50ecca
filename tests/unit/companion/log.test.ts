/** The companion's logger: secret fields redacted wherever they sit, request URLs with sensitive query values removed. */
import { describe, expect, it } from 'vitest';
import { createLogger, sanitizeUrl } from '../../../electron/companion/log';
import { LogCapture } from '../../helpers/companion';

describe('companion logs', () => {
  it('redacts secret fields at any of the first three levels, and Authorization headers', () => {
    const capture = new LogCapture();
    const log = createLogger({ stream: capture });
    log.info(
      {
        appSecret: 'S1-top',
        wechat: { officialAccount: { appSecret: 'S2-deep', token: 'S3-token' } },
        secrets: { encodingAesKey: 'S4-key', masterKey: 'S5-master' },
        req: { headers: { authorization: 'Bearer S6-device' } },
        deviceToken: 'S7-device',
        err: { code: 'WECHAT_ERROR' },
      },
      'something happened',
    );
    const text = capture.text();
    for (const secret of ['S1-top', 'S2-deep', 'S3-token', 'S4-key', 'S5-master', 'S6-device', 'S7-device']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    // Error codes stay readable.
    expect(JSON.parse(capture.lines[0]!).err.code).toBe('WECHAT_ERROR');
  });

  it('keeps paths and harmless parameters of URLs, not codes, states, signatures or echostr', () => {
    expect(sanitizeUrl('/oauth/callback?code=0a1b2c&state=XyZ')).toBe('/oauth/callback?code=[redacted]&state=[redacted]');
    expect(sanitizeUrl('/wechat/events?signature=abc&timestamp=1&nonce=2&echostr=hello&encrypt_type=aes')).toBe(
      '/wechat/events?signature=[redacted]&timestamp=1&nonce=[redacted]&echostr=[redacted]&encrypt_type=aes',
    );
    expect(sanitizeUrl('/api/events?type=SCAN&limit=5')).toBe('/api/events?type=SCAN&limit=5');
    expect(sanitizeUrl('/health')).toBe('/health');
  });
});
