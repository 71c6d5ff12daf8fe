import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { VendorInstanceConfig } from './schema.js';
import { formatPath, YamlSource } from './yaml-source.js';

/**
 * Where settings sit in the root config, so a failure against a vendor names the line to change
 * (`roster.yaml:12`). Read again from the file: the loaded config keeps values, not positions.
 */
export interface SettingLines {
  /** `roster.yaml:12` for a field path such as `['vendors', 'pulse', 'baseUrl']`; undefined when it is not in the file. */
  lineOf(path: (string | number)[]): string | undefined;
}

export function settingLines(configFile: string): SettingLines {
  let source: YamlSource | undefined;
  try {
    const lines = new LineCounter();
    source = new YamlSource(configFile, parseDocument(readFileSync(configFile, 'utf8'), { lineCounter: lines }), lines);
  } catch {
    source = undefined;
  }
  return {
    lineOf(path) {
      if (!source || !source.nodeAt(path).complete) return undefined;
      return `${configFile}:${source.locate(path).line}`;
    },
  };
}

/** `vendors.pulse.usersPath`: a setting's name as the docs and messages spell it. */
export function settingName(instance: string, ...field: (string | number)[]): string {
  return formatPath(['vendors', instance, ...field]);
}

/**
 * The instance's path settings (every string setting whose name ends in `Path`) with their values: a 404
 * under one of them most likely means that setting is wrong for this tenant.
 */
export function pathSettings(instance: string, config: VendorInstanceConfig): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (/Path$/.test(key) && typeof value === 'string') found[settingName(instance, key)] = value;
  }
  return found;
}

/**
 * Where an instance is configured, so an error names the setting to change. Config owns these pointers into
 * roster.yaml; the HTTP client takes them as an option and only prints them.
 */
export interface ConfigPointers {
  /** `roster.yaml:12`: the line of this instance's `baseUrl`. */
  baseUrlAt?: string;
  /** Path settings of the instance and their values: `vendors.pulse.usersPath` → `/users`. */
  pathSettings?: Record<string, string>;
  /** The instance's credentials: the environment variables they come from and where they are set, for a 401/403. */
  credentials?: { env: string[]; setting: string; at?: string };
}

/** What an HttpClient needs to name the line of `baseUrl` and the path settings in its messages. */
export function configPointers(instance: string, config: VendorInstanceConfig, lines: SettingLines): ConfigPointers {
  const baseUrlAt = lines.lineOf(['vendors', instance, 'baseUrl']);
  const env = Object.values(config.credentials ?? {}).map((ref) => ref.env);
  const credentialsAt = lines.lineOf(['vendors', instance, 'credentials']);
  const credentials = { env, setting: settingName(instance, 'credentials'), ...(credentialsAt ? { at: credentialsAt } : {}) };
  return { ...(baseUrlAt ? { baseUrlAt } : {}), pathSettings: pathSettings(instance, config), ...(env.length > 0 ? { credentials } : {}) };
}

/** Loopback hosts: plain HTTP to them never leaves the machine. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Why a base URL must not be used, or undefined when it may: plain HTTP to anything but loopback
 * would carry credentials in clear, unless the instance opts in with `allowInsecureHttp`.
 */
export function insecureBaseUrl(instance: string, config: VendorInstanceConfig): string | undefined {
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    return `${settingName(instance, 'baseUrl')} is not a URL`;
  }
  if (url.username || url.password) {
    return `${settingName(instance, 'baseUrl')} holds credentials; keep them in the environment (credentials: { env: ... })`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${settingName(instance, 'baseUrl')} must start with https:// (it is ${url.protocol}//)`;
  if (isLoopback(url) || config.allowInsecureHttp === true) return undefined;
  return `${settingName(instance, 'baseUrl')} is plain http:// to ${url.host}: credentials would travel in clear; use https://, or set ${settingName(instance, 'allowInsecureHttp')}: true if you must`;
}
