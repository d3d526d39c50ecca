/** What the audit log keeps of a call's parameters, and how its CSV cells are written. */
import { describe, expect, it } from 'vitest';
import { csvCell, desensitize } from '../../../electron/companion/services/audit';

describe('audit parameters', () => {
  it('hides secrets, tokens and codes, masks openids, keeps the rest', () => {
    const out = desensitize({
      query: { appid: 'wx1234567890abcdef', secret: 's3cr3t-value', code: 'CODE123', grant_type: 'authorization_code', access_token: 'AT' },
      body: { touser: 'oAbcdefghijklmnopqrstuvwxyz', openid_list: ['oAbcdefghijklmnopqrstuvwxyz'], action_name: 'QR_STR_SCENE' },
    });
    expect(out).toEqual({
      query: { appid: 'wx1234567890abcdef', secret: '***', code: '***', grant_type: 'authorization_code', access_token: '***' },
      body: { touser: 'oAbc…xyz', openid_list: ['oAbc…xyz'], action_name: 'QR_STR_SCENE' },
    });
    expect(JSON.stringify(out)).not.toMatch(/s3cr3t|CODE123/);
  });

  it('cuts long strings', () => {
    expect((desensitize({ text: 'x'.repeat(500) }) as { text: string }).text).toHaveLength(201);
  });
});

describe('CSV cells', () => {
  it('quotes commas, quotes and newlines; defuses formulas; leaves numbers alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(-1)).toBe('-1');
  });
});
