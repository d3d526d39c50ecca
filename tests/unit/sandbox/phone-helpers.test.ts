/**
 * The phone's small helpers: page text extraction and its cookie jar.
 */
import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../../electron/sandbox/phone/cookie-jar';
import { pageText } from '../../../electron/sandbox/phone/page-text';
import { redactUrl } from '../../../electron/sandbox/http-helpers';

describe('pageText', () => {
  it('keeps what a reader sees: no scripts, styles or tags; entities decoded; whitespace collapsed', () => {
    const html = '<html><head><style>p{}</style><script>var x = "<b>";</script></head><body><h1>绑定成功</h1>\n<p>欢迎 &amp; 你好&#65281;</p></body></html>';
    expect(pageText(html, 'text/html')).toBe('绑定成功 欢迎 & 你好！');
  });

  it('leaves JSON as it is', () => {
    expect(pageText('{"ok":true}', 'application/json')).toBe('{"ok":true}');
  });
});

describe('CookieJar', () => {
  it('sends back cookies per host and forgets deleted ones', () => {
    const jar = new CookieJar();
    jar.store('http://127.0.0.1:4000/landing', { 'set-cookie': ['sid=abc; Path=/; HttpOnly', 'theme=dark'] });
    expect(jar.header('http://127.0.0.1:4000/callback')).toBe('sid=abc; theme=dark');
    expect(jar.header('http://localhost:4000/callback')).toBeUndefined();
    jar.store('http://127.0.0.1:4000/x', { 'set-cookie': ['theme=; Max-Age=0'] });
    expect(jar.header('http://127.0.0.1:4000/')).toBe('sid=abc');
  });
});

describe('redactUrl', () => {
  it('hides secrets, tokens, codes and tickets in query strings', () => {
    expect(redactUrl('/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s3cr3t')).toBe('/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=[redacted]');
    expect(redactUrl('/sns/userinfo?access_token=abc&openid=o1')).toBe('/sns/userinfo?access_token=[redacted]&openid=o1');
    expect(redactUrl('/sns/oauth2/access_token?code=c&refresh_token=r')).toBe('/sns/oauth2/access_token?code=[redacted]&refresh_token=[redacted]');
  });
});
