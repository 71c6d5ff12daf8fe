import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { ADDRESS_FIELD_TYPES, MODEL_FIELD_TYPES, XML_ROOT, type PartnerAddress, type UserAddUpdateModel } from './documented.js';

/**
 * Reading UserAddUpdateV2Model from JSON or XML and writing answers as XML, the way a Jackson-backed
 * Spring service would: unknown properties are ignored, scalars are coerced where Jackson coerces them
 * (`"1"`/`1`/`"true"` for booleans), and anything else is a 400 with a readable message. This is the
 * emulator's side of the wire: the adapter never imports it, so the two read the documents separately.
 */

export type Decoded = { ok: true; model: UserAddUpdateModel } | { ok: false; message: string };

/** What the emulator's `parseBody` hook leaves on the request for a non-JSON body. */
export type ParsedBody =
  | { format: 'xml'; root: string; value: unknown }
  | { format: 'xml-error'; message: string }
  | { format: 'unsupported'; contentType: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  // Entities from a DOCTYPE stay off; the body is refused before parsing anyway (see parseXmlBody).
  processEntities: { enabled: true, maxEntityCount: 0 },
});

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true });

export function isXmlContentType(contentType: string): boolean {
  return /^(application|text)\/([\w.+-]+\+)?xml\b/i.test(contentType.trim());
}

/** The `parseBody` hook: XML bodies become `{format: 'xml', root, value}`; never throws. */
export function parseXmlBody(contentType: string, raw: Buffer): ParsedBody {
  if (!isXmlContentType(contentType)) return { format: 'unsupported', contentType };
  const text = raw.toString('utf8');
  // Like a hardened Spring service (XXE protection), document type declarations are refused outright.
  if (/<!DOCTYPE/i.test(text)) return { format: 'xml-error', message: 'XML parse error: DOCTYPE is disallowed' };
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { format: 'xml-error', message: `XML parse error: ${detail}` };
  }
  const roots = Object.keys((parsed ?? {}));
  if (roots.length !== 1) return { format: 'xml-error', message: 'XML parse error: expected exactly one root element' };
  return { format: 'xml', root: roots[0], value: (parsed as Record<string, unknown>)[roots[0]] };
}

/** A request body (parsed JSON, or the hook's XML result) as the model, or why it cannot be one. */
export function decodeModel(body: unknown): Decoded {
  if (isParsedBody(body)) {
    if (body.format === 'xml-error') return { ok: false, message: body.message };
    if (body.format === 'unsupported') return { ok: false, message: `Content type '${body.contentType}' not supported` };
    if (body.root !== XML_ROOT) {
      return { ok: false, message: `XML parse error: root element must be <${XML_ROOT}>, not <${body.root}>` };
    }
    // `<user_add_update_model/>` parses to an empty string: an empty model.
    return coerceObject(body.value === '' ? {} : body.value, 'xml');
  }
  return coerceObject(body, 'json');
}

export function isParsedBody(body: unknown): body is ParsedBody {
  return typeof body === 'object' && body !== null && 'format' in body && typeof (body).format === 'string';
}

function coerceObject(value: unknown, source: 'json' | 'xml'): Decoded {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: 'JSON parse error: expected an object of type UserAddUpdateV2Model' };
  }
  const model: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(value)) {
    const type = (MODEL_FIELD_TYPES as Record<string, string>)[name];
    if (!type) continue; // Jackson in Spring Boot ignores unknown properties.
    if (Array.isArray(raw) && source === 'xml') return { ok: false, message: `XML parse error: element <${name}> appears more than once` };
    if (type === 'address') {
      const address = coerceAddress(raw, source);
      if (typeof address === 'string') return { ok: false, message: address };
      model[name] = address;
      continue;
    }
    const coerced = coerceScalar(raw, type as 'string' | 'boolean' | 'number', source);
    if (coerced instanceof Error) return { ok: false, message: `${coerced.message} (field "${name}")` };
    model[name] = coerced;
  }
  return { ok: true, model: model };
}

function coerceAddress(raw: unknown, source: 'json' | 'xml'): PartnerAddress | null | string {
  if (raw === null || raw === undefined || (source === 'xml' && raw === '')) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'JSON parse error: "address" must be an object (AddressApiV2Model)';
  const address: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(raw)) {
    const type = (ADDRESS_FIELD_TYPES as Record<string, 'string' | 'boolean' | 'number'>)[name];
    if (!type) continue;
    const coerced = coerceScalar(inner, type, source);
    if (coerced instanceof Error) return `${coerced.message} (field "address.${name}")`;
    if (coerced !== null) address[name] = coerced;
  }
  return address;
}

function coerceScalar(raw: unknown, type: 'string' | 'boolean' | 'number', source: 'json' | 'xml'): string | number | boolean | null | Error {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'object') return new Error(`JSON parse error: cannot deserialize a ${type} from an object or array`);
  if (type === 'string') return String(raw);
  // An empty XML element carries no value for a non-text field.
  if (source === 'xml' && raw === '') return null;
  if (type === 'boolean') {
    const text = String(raw).toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    return new Error(`JSON parse error: cannot deserialize a boolean from "${String(raw)}"; use true/false or 1/0`);
  }
  const number = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (typeof raw === 'boolean' || !Number.isFinite(number) || String(raw).trim() === '') {
    return new Error(`JSON parse error: cannot deserialize a number from "${String(raw)}"`);
  }
  return number;
}

/** An answer body as XML under `root`; arrays repeat their element name (`<content><user_model>`...). */
export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: value })}`;
}

/** Whether an `Accept` header asks for XML before JSON. */
export function wantsXml(accept: string | string[] | undefined): boolean {
  const header = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  for (const part of header.split(',')) {
    const type = part.split(';')[0].trim().toLowerCase();
    if (/json/.test(type) || type === '*/*') return false;
    if (isXmlContentType(type)) return true;
  }
  return false;
}
