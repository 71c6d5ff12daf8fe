import { closeSync, writeSync } from 'node:fs';
import { openOwnerOnlySync } from '../secrets/owner-only.js';
import { prepareFor } from '../output/sink.js';
import type { Exchange } from '../http/exchange.js';
import type { MaskOptions } from '../render/mask.js';
import { redactExchange } from './redact-exchange.js';
import { redactedJsonLine } from '../secrets/json-redact.js';
import { redact } from '../secrets/redact.js';

/**
 * `--trace FILE`: every exchange with a vendor as one JSON line, redacted before it is written (so the
 * file can go to a vendor's or roster's support as it is). Written synchronously, line by line: a run
 * that dies half-way still leaves every exchange it had.
 */
export interface TraceWriter {
  readonly file: string;
  /** Exchanges written so far. */
  readonly count: number;
  write(instance: string, exchange: Exchange): void;
  close(): void;
}

export function openTrace(file: string, options: MaskOptions): TraceWriter {
  // Owner-only: even redacted, a trace says who works where.
  const fd = openOwnerOnlySync(file);
  let open = true;
  let count = 0;
  return {
    file,
    get count() {
      return count;
    },
    write(instance, exchange) {
      if (!open) return;
      // Through the sink's file path as well: every registered secret (a token received since) goes, in any case or cut,
      // inside the JSON (a secret that is a bare number becomes "***"), so every line still parses.
      const hide = (s: string) => prepareFor(redact(s, exchange.secrets), 'file');
      writeSync(fd, `${redactedJsonLine(redactExchange(instance, exchange, options), hide)}\n`);
      count++;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
