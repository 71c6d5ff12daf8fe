import type { Exchange } from '../http/exchange.js';
import { redact } from '../secrets/redact.js';
import { maskValue, personalKind, sanitizeText, type MaskOptions } from '../render/mask.js';
import { registerPersonalValue } from '../secrets/personal-values.js';

/**
 * One exchange as a trace may show it: credentials gone and personal data masked by the code that
 * guards every other output (src/http/redact.ts for secrets, src/render/mask.ts for personal data).
 * Secrets go three ways, each a net under the last: by name (headers and fields that carry them),
 * by value (every credential and session token the client knows), and by shape (free text).
 */
export interface TraceLine {
  at: string;
  vendor: string;
  method: string;
  url: string;
  ms: number;
  status?: number;
  error?: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  responseHeaders?: Record<string, string>;
  responseBody?: unknown;
  responseTruncated?: boolean;
}

export const HIDDEN = '***';

/** Headers and fields whose value is a credential whatever it looks like. */
const SECRET_NAME = /authorization|cookie|token|secret|api[-_]?key|password|passwd|session|signature/i;
/** SimplePin's `owner_ship` (shares in the company) is personal data with no masked form (shared/vendors/README.md). */
const HIDDEN_PERSONAL = /^owner_?ship$/i;

export function redactExchange(instance: string, exchange: Exchange, options: MaskOptions): TraceLine {
  const text = (s: string) => sanitizeText(redact(s, exchange.secrets), options);
  const line: TraceLine = {
    at: new Date(exchange.startedAt).toISOString(),
    vendor: instance,
    method: exchange.method,
    url: text(withoutUserInfo(exchange.url)),
    ms: exchange.ms,
    requestHeaders: redactHeaders(exchange.requestHeaders, text),
  };
  if (exchange.status !== undefined) line.status = exchange.status;
  if (exchange.error !== undefined) line.error = text(exchange.error);
  if (exchange.requestBody !== undefined) line.requestBody = redactValue(exchange.requestBody, undefined, text, options);
  if (exchange.responseHeaders) line.responseHeaders = redactHeaders(exchange.responseHeaders, text);
  if (exchange.responseBody !== undefined && exchange.responseBody !== '') {
    line.responseBody = redactBodyText(exchange.responseBody, exchange.responseHeaders?.['content-type'] ?? '', text, options);
  }
  if (exchange.responseTruncated) line.responseTruncated = true;
  return line;
}

function withoutUserInfo(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function redactHeaders(headers: Record<string, string>, text: (s: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_NAME.test(name) ? HIDDEN : text(value)]));
}

/** A body as read off the wire: JSON is redacted field by field, anything else (HTML, XML) as text. */
function redactBodyText(body: string, contentType: string, text: (s: string) => string, options: MaskOptions): unknown {
  if (/\bjson\b/i.test(contentType)) {
    try {
      return redactValue(JSON.parse(body), undefined, text, options);
    } catch {
      // Cut or malformed JSON: redacted as text below.
    }
  }
  return text(redactXmlElements(body, options));
}

/** `<ssn>…</ssn>`, `<password>…</password>`: the partner API answers XML when asked (shared/vendors/README.md). */
function redactXmlElements(body: string, options: MaskOptions): string {
  return body.replace(/<([\w:-]+)>([^<]*)<\/\1>/g, (whole, name: string, value: string) => {
    const masked = redactField(name, value, (s) => s, options);
    return masked === value ? whole : `<${name}>${String(masked)}</${name}>`;
  });
}

function redactValue(value: unknown, field: string | undefined, text: (s: string) => string, options: MaskOptions): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, field, text, options));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactValue(inner, key, text, options)]));
  }
  return field === undefined ? scalar(value, text) : redactField(field, value, text, options);
}

function redactField(field: string, value: unknown, text: (s: string) => string, options: MaskOptions): unknown {
  if (value === null || value === undefined || value === '') return value;
  if (SECRET_NAME.test(field) || HIDDEN_PERSONAL.test(field)) return HIDDEN;
  const kind = personalKind(field, []);
  if (kind && (typeof value === 'string' || typeof value === 'number')) {
    // Remembered, so the same value echoed in free text (an error, an HTML page) is masked by value too.
    registerPersonalValue(kind, value);
    return maskValue(String(value), kind, options);
  }
  return scalar(value, text);
}

function scalar(value: unknown, text: (s: string) => string): unknown {
  return typeof value === 'string' ? text(value) : (value);
}
