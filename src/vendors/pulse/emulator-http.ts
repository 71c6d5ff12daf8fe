import { STATUS_CODES } from 'node:http';
import { json, type EmuRequest, type EmuResponse } from '../../sandbox/emulator-kit.js';

/** Small pieces every part of the Pulse emulator uses: the error shape, headers, clock, body checks. */

/** Pulse's documented Error shape. */
export function fail(status: number, message: string, headers?: Record<string, string>): EmuResponse {
  return json(status, { error: STATUS_CODES[status] ?? 'Error', status, message }, headers);
}

export function now(): string {
  return new Date().toISOString();
}

export function header(req: EmuRequest, name: string): string | undefined {
  // Node lower-cases incoming header names, so X-Account-ID, X-Account-Id and x-account-id all land here.
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
