import { z } from 'zod';
import { secretRefSchema, type SourceInstanceConfig } from '../../config/schema.js';
import { SourceReadError, fieldNames, type SourceModule } from '../types.js';
import { companyHost, EMPLOYEES_PATH, MAX_PAGE_LIMIT } from './documented.js';
import { readBambooEmployees } from './reader.js';

const configShape = {
  companyDomain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/i, { error: 'the text before .bamboohr.com in your BambooHR address, e.g. sunpath' })
    .describe('Your BambooHR subdomain: mycompany for https://mycompany.bamboohr.com'),
  baseUrl: z.url().optional().describe('Default https://{companyDomain}.bamboohr.com [guess]; a test points it at the emulator'),
  listPath: z.string().startsWith('/').default(EMPLOYEES_PATH).describe('Path of the employees listing (GET /api/v1/employees)'),
  pageSize: z.number().int().min(1).max(MAX_PAGE_LIMIT).default(250).describe('page[limit] [guess: 1 to 2500]'),
  timeoutMs: z.number().int().positive().default(30_000),
  credentials: z.object({ apiKey: secretRefSchema }).strict(),
};

interface BambooConfig extends SourceInstanceConfig {
  companyDomain: string;
  baseUrl?: string;
  listPath: string;
  pageSize: number;
  timeoutMs: number;
  credentials: { apiKey: { env: string } };
}

/** `kind: bamboohr`: BambooHR's employees listing, read with an API key (docs: src/sources/bamboohr/documented.ts). */
export const bamboohrSource: SourceModule<typeof configShape> = {
  kind: 'bamboohr',
  configShape,
  // BambooHR field names [guess for each but employeeId, firstName, lastName, status: see documented.ts]; each is a setting.
  defaultFields: {
    email: 'workEmail',
    firstName: 'firstName',
    lastName: 'lastName',
    phone: 'mobilePhone',
    employeeId: 'employeeId',
    hireDate: 'hireDate',
    terminationDate: 'terminationDate',
    status: 'status',
    location: 'location',
    department: 'department',
    jobTitle: 'jobTitleName',
    manager: 'supervisorEId',
  },
  describe: (config) => {
    const c = config as BambooConfig;
    return `BambooHR ${c.baseUrl ?? companyHost(c.companyDomain)} (company ${c.companyDomain})`;
  },
  credentialRefs: (config) => ({ apiKey: (config as BambooConfig).credentials.apiKey.env }),
  read(name, config, ctx) {
    const c = config as BambooConfig;
    const apiKey = ctx.env[c.credentials.apiKey.env];
    if (!apiKey) throw new SourceReadError(`source ${name}: ${c.credentials.apiKey.env} is not set in the environment (sources.${name}.credentials.apiKey)`);
    return readBambooEmployees({
      name,
      baseUrl: c.baseUrl ?? companyHost(c.companyDomain),
      listPath: c.listPath,
      apiKey,
      pageSize: c.pageSize,
      timeoutMs: c.timeoutMs,
      fields: fieldNames(bamboohrSource, config),
    });
  },
};
