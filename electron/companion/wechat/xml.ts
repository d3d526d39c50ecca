/**
 * Reading WeChat's push XML safely: a DOCTYPE or ENTITY declaration is refused outright (XXE and entity expansion,
 * as WeChat's own 2018+ samples do), the document must be well-formed with exactly one `<xml>` root, and values stay
 * strings (MsgId is a 64-bit integer that a JavaScript number would round).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlRefused extends Error {
  constructor(
    readonly reason: 'doctype' | 'malformed' | 'shape',
    message: string,
  ) {
    super(message);
    this.name = 'XmlRefused';
  }
}

/** A parsed `<xml>` element: text children as strings, nested elements (PublishEventInfo…) as objects. */
export type XmlNode = { [name: string]: string | XmlNode | (string | XmlNode)[] };

const parser = new XMLParser({
  // Only the five predefined entities can occur: any declaration is refused before parsing.
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // CDATA keeps its whitespace; only the indentation between elements is dropped.
  trimValues: true,
});

const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;

/** Parses one WeChat XML document (the outer envelope or a decrypted message) into its `<xml>` element. */
export function parseWechatXml(text: string): XmlNode {
  // Declarations are looked for outside CDATA: a user's text message may legitimately contain "<!DOCTYPE".
  if (/<!DOCTYPE|<!ENTITY/i.test(text.replace(CDATA, ''))) {
    throw new XmlRefused('doctype', 'XML with a DOCTYPE or ENTITY declaration is refused');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlRefused('malformed', `Malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw new XmlRefused('malformed', `Malformed XML: ${(error as Error).message}`);
  }
  const root = (doc as Record<string, unknown>)?.xml;
  const keys = Object.keys(doc as object);
  if (keys.length !== 1 || root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new XmlRefused('shape', 'Expected exactly one <xml> root element');
  }
  return root as XmlNode;
}

/** A direct text child, or null when absent or not text. */
export function textOf(node: XmlNode, name: string): string | null {
  const value = node[name];
  return typeof value === 'string' ? value : null;
}
