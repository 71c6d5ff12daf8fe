/**
 * What BambooHR's published documents say, shared as data by the reader and the emulator (which
 * otherwise imports nothing of the reader). Each fact cites where it comes from; what only third
 * parties state is marked [guess] and is a setting of the source, so a real tenant can correct it.
 */

/**
 * Authentication: "Each API request ... will be authenticated and permissioned as if a real user were
 * using the software"; an API key belongs to a user (https://documentation.bamboohr.com/reference/getting-started,
 * "Authentication"). The key travels as the HTTP Basic user name with any password, "x" by convention
 * [guess: stated by third-party clients, e.g. Budibase's BambooHRClient, not quoted from BambooHR's page].
 */
export const BASIC_PASSWORD = 'x';

/**
 * `GET /api/v1/employees`, added 2025-10-02: "filtering, sorting, and pagination", "Cursor-based
 * pagination for large datasets", "Optional field selection via the fields query parameter"
 * (https://documentation.bamboohr.com/docs/past-changes-to-the-api). The path is as that page writes it.
 */
export const EMPLOYEES_PATH = '/api/v1/employees';

/**
 * [guess] The page parameters and the answer's shape: `page[limit]` (1 to 2500, default 250),
 * `page[after]` with the cursor from `meta.page.nextCursor`, records under `data`; every record carries
 * `employeeId`, and fields the key's user may not read come back null and are named in `_restrictedFields`.
 * Source: Pipedream's BambooHR "List Employees" action, which links documentation.bamboohr.com/reference/list-employees.
 */
export const PAGE_LIMIT_PARAM = 'page[limit]';
export const PAGE_AFTER_PARAM = 'page[after]';
export const MAX_PAGE_LIMIT = 2500;
export const DEFAULT_FIELDS_RETURNED = ['employeeId', 'firstName', 'lastName', 'preferredName', 'photoUrl', 'jobTitleName', 'status', '_restrictedFields'];

/**
 * The host: "replace {companyDomain} with the text that appears before .bamboohr.com in your company's
 * BambooHR URL" (getting-started). [guess] That GET /api/v1/employees is served on that company host.
 */
export const companyHost = (companyDomain: string) => `https://${companyDomain}.bamboohr.com`;

/**
 * The classic API's "no date" value (`0000-00-00` for an unset termination date), read as empty
 * [guess: seen in exports and third-party clients].
 */
export const EMPTY_DATE = '0000-00-00';
