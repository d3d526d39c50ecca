/**
 * The sandbox logs requests without secrets: no AppSecret, token, code, or control token ever reaches the log.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OA_APP_ID, OA_SECRET, baseToken, control, startLocalServer, startSandbox, wx } from '../../helpers/sandbox';

describe('sandbox logging', () => {
  it('records requests at debug level with secrets redacted', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const sandbox = await startSandbox({ logger: pino({ level: 'trace' }, sink), controlToken: 'control-token-that-must-not-leak' });
    const site = await startLocalServer((_req, res) => res.end('ok'));

    const token = await baseToken(sandbox);
    const stable = await wx(sandbox, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: OA_APP_ID, secret: OA_SECRET });
    const url = `${sandbox.url}/connect/oauth2/authorize?appid=${OA_APP_ID}&redirect_uri=${encodeURIComponent(`${site.url}/cb`)}&scope=snsapi_base&state=a`;
    await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url });
    const code = site.requests[0]!.url.searchParams.get('code')!;
    const grant = await wx(sandbox, `/sns/oauth2/access_token?appid=${OA_APP_ID}&secret=${OA_SECRET}&code=${code}&grant_type=authorization_code`);

    const log = lines.join('');
    expect(log).toContain('secret=[redacted]');
    for (const secret of [OA_SECRET, token, stable.access_token as string, code, grant.access_token as string, grant.refresh_token as string, 'control-token-that-must-not-leak']) {
      expect(log).not.toContain(secret);
    }
  });
});
