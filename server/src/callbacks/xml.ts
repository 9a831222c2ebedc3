import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CallbackError } from './errors';

/**
 * WeCom's XML, both the envelope (`<xml><ToUserName/><Encrypt/><AgentID/></xml>`) and the
 * decrypted event, read with fast-xml-parser:
 * - markup declarations are refused before anything is parsed: a DOCTYPE, ENTITY, comment or any
 *   other `<!…>` but CDATA (WeCom sends none), so an entity bomb or external entity costs one
 *   string scan and is never expanded; entity processing is off as well;
 * - every value stays a string (`parseTagValue: false`): CreateTime, AgentID and MsgId (which
 *   exceeds 2^53) are never turned into numbers;
 * - lists that WeCom sends as repeated `<Item>` are always arrays, even with one item;
 * - nesting is bounded, and the document must be well-formed (validated first).
 */

/** `<!` that does not open CDATA: DOCTYPE, ENTITY, ELEMENT, comments. */
const MARKUP_DECLARATION = /<!(?!\[CDATA\[)/;
const MAX_DEPTH = 8;
const LIST_PATHS = new Set(['xml.MemChangeList.Item', 'xml.ExtAttr.Item']);

const parser = new XMLParser({
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: MAX_DEPTH,
  isArray: (_name, jpath) => LIST_PATHS.has(String(jpath)),
});

export type XmlValue = string | XmlValue[] | { [key: string]: XmlValue };
export type XmlFields = Readonly<Record<string, XmlValue>>;

/** The children of the root `<xml>` element; `CallbackError('xml')` for anything else. */
export function parseXml(text: string): XmlFields {
  if (MARKUP_DECLARATION.test(text)) throw new CallbackError('xml');
  let root: unknown;
  try {
    if (XMLValidator.validate(text) !== true) throw new CallbackError('xml');
    root = parser.parse(text);
  } catch (error) {
    throw error instanceof CallbackError ? error : new CallbackError('xml', { cause: error });
  }
  const fields = (root as { xml?: unknown } | null)?.xml;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields))
    throw new CallbackError('xml');
  return fields as XmlFields;
}

/** A field that must be text (absent or not text: undefined). */
export function text(fields: XmlFields, name: string): string | undefined {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The envelope of a POST: the ciphertext, and what WeCom says it is for (unchecked hints). */
export interface Envelope {
  encrypt: string;
  toUserName?: string;
  /** Absent or empty on the directory callback. */
  agentId?: string;
}

export function parseEnvelope(body: string): Envelope {
  const fields = parseXml(body);
  const encrypt = text(fields, 'Encrypt');
  if (!encrypt) throw new CallbackError('malformed');
  return {
    encrypt,
    toUserName: text(fields, 'ToUserName') || undefined,
    agentId: text(fields, 'AgentID') || undefined,
  };
}
