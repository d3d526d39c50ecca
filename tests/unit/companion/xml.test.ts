/**
 * Reading pushed XML: declarations refused (XXE, entity expansion), malformed documents refused, values kept as
 * strings (a 64-bit MsgId must not be rounded), CDATA kept exactly.
 */
import { describe, expect, it } from 'vitest';
import { XmlRefused, parseWechatXml, textOf } from '../../../electron/companion/wechat/xml';

function refusal(text: string): XmlRefused['reason'] {
  try {
    parseWechatXml(text);
  } catch (error) {
    if (error instanceof XmlRefused) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseWechatXml', () => {
  it('reads a message: strings only, MsgId exact, CDATA whitespace and markup kept', () => {
    const node = parseWechatXml(
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\n<FromUserName><![CDATA[oUser]]></FromUserName>\n<CreateTime>1409735668</CreateTime>' +
        '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ 1 < 2 &amp; <!DOCTYPE> 好 ]]></Content><MsgId>6054768590064713728</MsgId></xml>',
    );
    expect(node).toEqual({
      ToUserName: 'gh_1',
      FromUserName: 'oUser',
      CreateTime: '1409735668',
      MsgType: 'text',
      Content: ' 1 < 2 &amp; <!DOCTYPE> 好 ',
      MsgId: '6054768590064713728',
    });
    expect(textOf(node, 'Missing')).toBeNull();
  });

  it('reads nested elements (PublishEventInfo)', () => {
    const node = parseWechatXml(
      '<xml><Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>1234567890</publish_id><publish_status>0</publish_status>' +
        '<article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/x]]></article_url></item></article_detail></PublishEventInfo></xml>',
    );
    expect(node.PublishEventInfo).toMatchObject({ publish_id: '1234567890', article_detail: { count: '1', item: { idx: '1' } } });
  });

  it('refuses DOCTYPE and ENTITY declarations, whatever their case', () => {
    expect(refusal('<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>')).toBe('doctype');
    expect(refusal('<?xml version="1.0"?><!doctype xml><xml><a>1</a></xml>')).toBe('doctype');
    expect(refusal('<xml><a>1</a></xml><!ENTITY x "y">')).toBe('doctype');
  });

  it('refuses malformed XML, other roots and several roots', () => {
    expect(refusal('<xml><a>1</b></xml>')).toBe('malformed');
    expect(refusal('<xml><a>1</a>')).toBe('malformed');
    expect(refusal('not xml at all')).not.toBe('doctype');
    expect(refusal('<root><a>1</a></root>')).toBe('shape');
    expect(refusal('<xml><a>1</a></xml><xml><a>2</a></xml>')).toBe('malformed');
    expect(refusal('<xml>text only</xml>')).toBe('shape');
  });
});
