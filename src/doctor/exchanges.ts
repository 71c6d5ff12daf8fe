import type { Exchange } from '../http/exchange.js';
import type { MaskOptions } from '../render/mask.js';
import { redactExchange } from '../trace/redact-exchange.js';

/** Longest answer body a doctor line shows. */
const ANSWER_CHARS = 240;

/**
 * The exchanges each vendor instance had during the doctor's run, kept in memory to say what the
 * vendor answered. They hold secrets: only `answerOf` (redacted like a trace) leaves this module.
 */
export class ExchangeLog {
  private readonly byInstance = new Map<string, Exchange[]>();

  readonly record = (instance: string, exchange: Exchange): void => {
    const list = this.byInstance.get(instance) ?? [];
    list.push(exchange);
    this.byInstance.set(instance, list);
  };

  /** How many exchanges an instance has had: a mark to read the ones after it with `since`. */
  mark(instance: string): number {
    return this.byInstance.get(instance)?.length ?? 0;
  }

  since(instance: string, mark: number): Exchange[] {
    return (this.byInstance.get(instance) ?? []).slice(mark);
  }
}

/** The vendor's answer in one exchange, as a person may read it: status and the start of the redacted body. */
export function answerOf(instance: string, exchange: Exchange, options: MaskOptions): { status?: number; body?: string } {
  const line = redactExchange(instance, exchange, options);
  const body = line.responseBody === undefined ? undefined : typeof line.responseBody === 'string' ? line.responseBody : JSON.stringify(line.responseBody);
  const short = body === undefined ? undefined : oneLine(body);
  return {
    ...(line.status !== undefined ? { status: line.status } : {}),
    ...(short ? { body: short.length > ANSWER_CHARS ? `${short.slice(0, ANSWER_CHARS)}…` : short } : {}),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Rate-limit headers a vendor sent (x-ratelimit-*, ratelimit-*, retry-after), by name. */
export function rateHeaders(exchanges: Exchange[]): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const exchange of exchanges) {
    for (const [name, value] of Object.entries(exchange.responseHeaders ?? {})) {
      if (/^(x-)?ratelimit|^retry-after$/i.test(name)) seen[name.toLowerCase()] = value;
    }
  }
  return seen;
}
