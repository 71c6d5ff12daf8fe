import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import { highlevel } from '../../src/vendors/highlevel/index.js';
import { HighlevelAdapter } from '../../src/vendors/highlevel/adapter.js';
import { startHighlevelEmulator } from '../../src/vendors/highlevel/emulator.js';
import { highlevelDesired } from '../../src/vendors/highlevel/mapping.js';
import { highlevelPermissionDefaults } from '../../src/vendors/highlevel/permissions.js';
import { highlevelPermissionNames } from '../../src/vendors/highlevel/schema.js';
import spec from '../../src/vendors/highlevel/users.openapi.json' with { type: 'json' };
import type { ResolvedPerson } from '../../src/config/model.js';

/**
 * Both sides against HighLevel's own OpenAPI document (src/vendors/highlevel/users.openapi.json, a copy
 * of shared/vendors/highlevel-users.openapi.json): every request the adapter sends and every answer the
 * emulator gives is checked for documented paths, parameters, required fields, types and enums.
 */

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  additionalProperties?: Schema | boolean;
}

const doc = spec as unknown as {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean; schema: Schema }[]; requestBody?: { content: { 'application/json': { schema: Schema } } }; responses: Record<string, { content?: { 'application/json': { schema: Schema } } }> }>>;
  components: { schemas: Record<string, Schema> };
};

// The one place the document contradicts itself: UserSchema.scopes (and the same field of
// UserSuccessfulResponseDto) is declared a single string with the scope enum, while every request
// DTO declares the same field a list of those strings. Answers are checked against the list form.
const scopeList: Schema = { type: 'array', items: { type: 'string', enum: doc.components.schemas.CreateUserDto.properties!.scopes.items!.enum } };
const schemas: Record<string, Schema> = structuredClone(doc.components.schemas);
for (const name of ['UserSchema', 'UserSuccessfulResponseDto']) schemas[name].properties!.scopes = scopeList;

function resolve(schema: Schema): Schema | undefined {
  if (!schema.$ref) return schema;
  if (!schema.$ref.startsWith('#/components/schemas/')) return undefined; // ../common/*.json is not published with it
  return schemas[schema.$ref.slice('#/components/schemas/'.length)];
}

/** Problems of `value` against `schema`; `strict` also refuses properties the schema does not name. */
function check(value: unknown, schema: Schema, where: string, strict: boolean, problems: string[] = []): string[] {
  const s = resolve(schema);
  if (!s) return problems;
  const type = s.type ?? (s.properties ? 'object' : undefined);
  if (type === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where}: expected an object`);
      return problems;
    }
    const record = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (record[key] === undefined) problems.push(`${where}.${key}: required`);
    for (const [key, item] of Object.entries(record)) {
      const property = s.properties?.[key];
      if (property) check(item, property, `${where}.${key}`, strict, problems);
      else if (typeof s.additionalProperties === 'object') check(item, s.additionalProperties, `${where}.${key}`, strict, problems);
      else if (strict) problems.push(`${where}.${key}: not in the schema`);
    }
  } else if (type === 'array') {
    if (!Array.isArray(value)) {
      problems.push(`${where}: expected an array`);
      return problems;
    }
    value.forEach((item, i) => s.items && check(item, s.items, `${where}[${i}]`, strict, problems));
  } else if (type === 'string') {
    if (typeof value !== 'string') problems.push(`${where}: expected a string, got ${JSON.stringify(value)}`);
    else if (s.enum && !s.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} is not in the enum`);
  } else if (type === 'number' || type === 'integer') {
    if (typeof value !== 'number') problems.push(`${where}: expected a number`);
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') problems.push(`${where}: expected a boolean`);
  }
  return problems;
}

function operationFor(method: string, path: string) {
  for (const [template, operations] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path) && operations[method.toLowerCase()]) return { template, operation: operations[method.toLowerCase()] };
  }
  return undefined;
}

interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
  status: number;
  answer: unknown;
}

const COMPANY = 'Rk7mQ2vX9pLs4TnB8cWd';
const AUSTIN = 'LocAustin00000000001';
const fixture = {
  companyId: COMPANY,
  locations: [{ id: AUSTIN }],
  tokens: [{ token: 'openapi-token', kind: 'agency' }],
  users: [
    { id: 'AustinRep00000000001', firstName: 'Aaron', lastName: 'Austin', email: 'aaron@example.com', phone: '+1 512-555-0100', type: 'account', role: 'user', locationIds: [AUSTIN], scopes: ['contacts.write'] },
    { id: 'AgencyOwner000000001', firstName: 'Olive', lastName: 'Owner', email: 'olive@example.com', type: 'agency', role: 'admin' },
  ],
};
const source = { file: 'users/x.yaml', line: 1, col: 1 };
const person = (email: string, over: Record<string, unknown> = {}) =>
  ({
    key: email,
    email,
    firstName: 'Nina',
    lastName: 'New',
    phone: '+15125550199',
    active: true,
    roles: [{ key: 'rep', source, highlevel: { type: 'account', role: 'user', scopes: ['contacts.write'], scopesAssignedToOnly: ['contacts.write'], permissions: { websitesEnabled: true } } }],
    office: { key: 'austin', name: 'Austin', timezone: 'America/Chicago', source, highlevel: { locationIds: [AUSTIN] } },
    source,
    ...over,
  }) as unknown as ResolvedPerson;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Runs the adapter through every operation and records each exchange as it crossed the wire. */
async function recordExchanges(): Promise<Exchange[]> {
  emulator = await startHighlevelEmulator(structuredClone(fixture));
  const exchanges: Exchange[] = [];
  // The client's own exchange observer sees every request and answer as the wire carried them.
  const http = new HttpClient({
    vendor: 'highlevel',
    baseUrl: emulator.url,
    onExchange: (e) =>
      exchanges.push({
        method: e.method,
        path: e.url.pathname,
        query: e.url.searchParams,
        headers: new Headers(e.requestHeaders),
        body: e.requestBody,
        status: e.status ?? 0,
        answer: e.responseBody ? JSON.parse(e.responseBody) : undefined,
      }),
  });
  const adapter = new HighlevelAdapter({
    instanceName: 'highlevel',
    config: highlevel.parseConfig({ kind: 'highlevel', baseUrl: 'http://127.0.0.1:1', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, companyId: COMPANY, pageSize: 1 }),
    credentials: { token: 'openapi-token' },
    http,
  });
  const ctx = { vendorIdFor: () => undefined };
  await adapter.list();
  const { vendorId } = await adapter.create(highlevelDesired(person('nina@example.com'))!, ctx);
  await adapter.update(vendorId, highlevelDesired(person('nina@example.com', { lastName: 'Newer' }))!, ['lastName'], ctx);
  await adapter.findByEmail('nina@example.com');
  await adapter.delete(vendorId, {} as never);
  await adapter.create(highlevelDesired(person('aaron@example.com'))!, ctx).catch(() => undefined); // a 422
  // The reads the adapter does not need, made the way a client would.
  const client = http.with({ headers: () => ({ authorization: 'Bearer openapi-token', version: '2021-07-28' }) });
  await client.request({ method: 'GET', path: '/users/AustinRep00000000001' });
  await client.request({ method: 'GET', path: `/users/${vendorId}` }).catch(() => undefined); // a 401
  await client.request({ method: 'POST', path: '/users/search/filter-by-email', body: { companyId: COMPANY, emails: 'nina@example.com', deleted: true, projection: 'all' } });
  return exchanges;
}

describe('HighLevel against its OpenAPI document', () => {
  it('the permission names and defaults are the documented PermissionsDto', () => {
    const documented = doc.components.schemas.PermissionsDto.properties as Record<string, { default?: boolean }>;
    expect([...highlevelPermissionNames].sort()).toEqual(Object.keys(documented).sort());
    expect(highlevelPermissionDefaults).toEqual(Object.fromEntries(Object.entries(documented).map(([name, p]) => [name, p.default])));
  });

  it('the checker finds what it is meant to find', () => {
    const create = { $ref: '#/components/schemas/CreateUserDto' };
    expect(check({ companyId: 'c' }, create, 'body', true)).toEqual(expect.arrayContaining(['body.password: required', 'body.locationIds: required']));
    const body = { companyId: 'c', firstName: 'a', lastName: 'b', email: 'e', password: 'p', type: 'account', role: 'user', locationIds: ['l'] };
    expect(check(body, create, 'body', true)).toEqual([]);
    expect(check({ ...body, locationIds: 'l', nickname: 'x' }, create, 'body', true)).toEqual(['body.locationIds: expected an array', 'body.nickname: not in the schema']);
    expect(check({ ...body, scopes: ['made.up'], permissions: { contactsEnabled: 'yes' } }, create, 'body', true)).toEqual([
      'body.scopes[0]: "made.up" is not in the enum',
      'body.permissions.contactsEnabled: expected a boolean',
    ]);
    expect(check({ users: [{ id: 7, roles: { locationIds: 'x' } }], count: '1' }, { $ref: '#/components/schemas/SearchUserSuccessfulResponseDto' }, 'answer', false)).toEqual([
      'answer.users[0].id: expected a string, got 7',
      'answer.users[0].roles.locationIds: expected an array',
      'answer.count: expected a number',
    ]);
  });

  it('the document disagrees with itself only on the type of a user\'s scopes', () => {
    const original = doc.components.schemas.UserSchema.properties!.scopes;
    expect(original.type).toBe('string');
    expect(original.enum).toEqual(scopeList.items!.enum);
  });

  it('every adapter request is a documented operation with its parameters, headers and body', async () => {
    const exchanges = await recordExchanges();
    const adapterCalls = exchanges.filter((e) => e.headers.get('authorization') === 'Bearer openapi-token');
    expect(adapterCalls.map((e) => e.method).sort()).toEqual(expect.arrayContaining(['DELETE', 'GET', 'POST', 'PUT']));
    for (const exchange of adapterCalls) {
      const found = operationFor(exchange.method, exchange.path);
      expect(found, `${exchange.method} ${exchange.path}`).toBeDefined();
      const { template, operation } = found!;
      const where = `${exchange.method} ${template}`;
      for (const parameter of operation.parameters ?? []) {
        const value = parameter.in === 'header' ? exchange.headers.get(parameter.name) : parameter.in === 'query' ? exchange.query.get(parameter.name) : undefined;
        if (parameter.required && parameter.in !== 'path') expect(value, `${where}: ${parameter.name}`).not.toBeNull();
        if (value !== null && value !== undefined) expect(check(value, parameter.schema, `${where} ${parameter.name}`, true)).toEqual([]);
      }
      const declared = new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      for (const name of exchange.query.keys()) expect(declared.has(name), `${where}: query ${name} is not documented`).toBe(true);
      const bodySchema = operation.requestBody?.content['application/json'].schema;
      if (bodySchema) expect(check(exchange.body, bodySchema, `${where} body`, true)).toEqual([]);
      else expect(exchange.body).toBeUndefined();
    }
  });

  it('every emulator answer has the documented shape', async () => {
    const exchanges = await recordExchanges();
    const statuses = new Set<number>();
    for (const exchange of exchanges) {
      const found = operationFor(exchange.method, exchange.path)!;
      const where = `${exchange.method} ${found.template} → ${exchange.status}`;
      statuses.add(exchange.status);
      const documented = found.operation.responses[String(exchange.status)];
      expect(documented, `${where} is not a documented status`).toBeDefined();
      const schema = documented.content?.['application/json'].schema;
      if (schema?.$ref?.startsWith('#/')) {
        // Answers may carry more than the schema names (scopesAssignedToOnly), never less or other types.
        expect(check(exchange.answer, schema, where, false)).toEqual([]);
      }
      const answer = exchange.answer as Record<string, unknown>;
      if (exchange.status === 422) expect(answer).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', message: expect.arrayContaining([expect.any(String)]) });
      if (exchange.status === 401) expect(answer).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    }
    expect([...statuses].sort()).toEqual([200, 201, 401, 422]);
  });

  it('users in answers have the UserSchema fields with roles nested', async () => {
    const exchanges = await recordExchanges();
    const search = exchanges.find((e) => e.path === '/users/search')!.answer as { users: Record<string, unknown>[] };
    const user = search.users[0];
    const documented = Object.keys(doc.components.schemas.UserSchema.properties!);
    const expected = documented.filter((k) => !['lcPhone', 'platformLanguage'].includes(k));
    expect(Object.keys(user)).toEqual(expect.arrayContaining(expected));
    expect(Object.keys(user.roles as object).sort()).toEqual(Object.keys(doc.components.schemas.RoleSchema.properties!).sort());
  });
});
