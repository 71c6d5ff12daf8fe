import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/http/exchange.js';
import { registerSecret } from '../../src/secrets/redact.js';
import { openTrace } from '../../src/trace/writer.js';
import { createSink } from '../../src/output/sink.js';

/** A secret that is a number (a session number, an account PIN) where a vendor puts it: bare JSON numbers. */
const NUMERIC = '73920461857302';

function exchange(body: string, contentType = 'application/json'): Exchange {
  return {
    vendor: 'pulse',
    method: 'POST',
    url: new URL(`https://pulse.example/v1/users?session=${NUMERIC}`),
    requestHeaders: { 'x-request-id': `req-${NUMERIC}`, accept: 'application/json' },
    requestBody: { grant: Number(NUMERIC), nested: [{ pin: Number(NUMERIC) }], count: 3 },
    startedAt: Date.parse('2026-12-07T03:00:00Z'),
    ms: 12,
    status: 200,
    responseHeaders: { 'content-type': contentType, 'x-session-number': NUMERIC },
    responseBody: body,
    secrets: [],
  };
}

describe('trace lines stay JSON when a secret is a bare number', () => {
  let dir: string;
  let lines: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'roster-trace-json-'));
    registerSecret(NUMERIC);
    const file = path.join(dir, 'trace.jsonl');
    const trace = openTrace(file, { maskEmails: false });
    trace.write('pulse', exchange(JSON.stringify({ sessionNumber: Number(NUMERIC), total: 3, list: [Number(NUMERIC), 7], [NUMERIC]: 'keyed by it' })));
    // Cut JSON (a truncated answer) is traced as text: still one JSON string in the line.
    trace.write('pulse', exchange(`{"sessionNumber": ${NUMERIC}, "cut`));
    // A secret across the JSON syntax: the text pass catches it and the line is kept as one redacted string.
    trace.write('pulse', { ...exchange('<html>ok</html>', 'text/html'), error: `code ${NUMERIC}` });
    trace.close();
    lines = (await readFile(file, 'utf8')).trim().split('\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses every line, and no line holds the secret or a leading run of it', () => {
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toContain(NUMERIC.slice(0, 8));
    }
  });

  it('puts the string "***" where the number was, and leaves other numbers as they are', () => {
    const first = JSON.parse(lines[0]) as { requestBody: Record<string, unknown>; responseBody: Record<string, unknown> };
    expect(first.responseBody.sessionNumber).toBe('***');
    expect(first.responseBody.total).toBe(3);
    expect(first.responseBody.list).toEqual(['***', 7]);
    expect(first.responseBody['***']).toBe('keyed by it');
    expect(first.requestBody).toEqual({ grant: '***', nested: [{ pin: '***' }], count: 3 });
  });
});

describe('JSON output through the sink stays JSON when a secret is a bare number', () => {
  const SESSION = 55443322110099;
  registerSecret(String(SESSION));
  for (const env of [{ CI: 'true', GITHUB_ACTIONS: 'true' }, { CI: '', GITHUB_ACTIONS: '' }]) {
    it(`--format json, ${env.CI ? 'in CI' : 'on an operator\'s machine'}`, () => {
      const written: string[] = [];
      const stream = { isTTY: false, write: (text: string) => written.push(text) };
      const sink = createSink({ env, stdout: () => stream, stderr: () => stream });
      sink.out(JSON.stringify({ vendor: 'pulse', session: SESSION, note: `session ${SESSION}`, count: 2 }, null, 2));
      const out = written.join('');
      expect(out).not.toContain(String(SESSION).slice(0, 8));
      expect(JSON.parse(out)).toEqual({ vendor: 'pulse', session: '***', note: 'session ***', count: 2 });
      expect(out).toMatch(/^\{\n {2}"vendor"/);
    });
  }
});
