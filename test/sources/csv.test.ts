import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvExport, type CsvReadOptions } from '../../src/sources/csv/reader.js';
import { parseHrDate } from '../../src/sources/dates.js';
import { mapRows } from '../../src/sources/map.js';
import { SourceReadError } from '../../src/sources/types.js';
import { sourceInstanceSchema } from '../../src/config/schema.js';
import { csvSource } from '../../src/sources/csv/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'roster-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const columns = { ...csvSource.defaultFields };
async function read(name: string, bytes: string | Buffer, options: Partial<CsvReadOptions> = {}) {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return readCsvExport({ file, display: name, encoding: 'auto', delimiter: 'auto', columns, ...options });
}

const HEADER = 'Employee ID,First Name,Last Name,Work Email,Mobile Phone,Hire Date,SSN,Date of Birth';

describe('reading a CSV export', () => {
  it('reads a byte-order mark, quoted commas and newlines, empty lines, and drops SSN and birth date columns as it reads', async () => {
    const exp = await read('a.csv', `\uFEFF${HEADER}\r\n1,"Ann, Jr.","O'Neil\nSmith",ann@x.example,512-555-0100,12/14/2026,123-45-6789,01/02/1990\r\n\r\n,,,,,,,\n2,Bo,Lee,bo@x.example,,2026-12-15,987-65-4321,1991-03-04\n`);
    expect(exp.rows).toHaveLength(2);
    expect(exp.rows[0]).toEqual({ row: 1, line: 2, values: { employeeId: '1', firstName: 'Ann, Jr.', lastName: "O'Neil\nSmith", email: 'ann@x.example', phone: '512-555-0100', hireDate: '12/14/2026' } });
    expect(exp.rows[1].line).toBe(6);
    expect(JSON.stringify(exp)).not.toMatch(/123-45|987-65|1990|1991/);
    expect(exp.columns.email).toBe('Work Email');
  });

  it('reads semicolons (European Excel) and tabs', async () => {
    const semi = await read('b.csv', 'Employee ID;First Name;Last Name;Work Email\n7;Zoë;Müller;zoe@x.example\n');
    expect(semi.rows[0].values).toMatchObject({ employeeId: '7', firstName: 'Zoë', email: 'zoe@x.example' });
    const tab = await read('c.csv', 'Employee ID\tWork Email\n8\tt@x.example\n');
    expect(tab.rows[0].values).toEqual({ employeeId: '8', email: 't@x.example' });
  });

  it('decodes a Windows-1252 (Latin-1) file with a note, and refuses it when utf-8 is required', async () => {
    const latin1 = Buffer.from('Employee ID,First Name,Work Email\n9,Zo\xeb,z@x.example\n', 'latin1');
    const exp = await read('d.csv', latin1);
    expect(exp.rows[0].values.firstName).toBe('Zoë');
    expect(exp.notes.join()).toMatch(/not UTF-8 \(byte 0xEB at offset \d+ \(line 2\)\); it was read as Windows-1252/);
    await expect(read('e.csv', latin1, { encoding: 'utf-8' })).rejects.toThrow(/e\.csv is not UTF-8: byte 0xEB .*line 2/);
  });

  it('decodes UTF-16 little-endian with a note; refuses big-endian and binary', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Employee ID,Work Email\n3,u@x.example\n', 'utf16le')]);
    const exp = await read('f.csv', utf16);
    expect(exp.rows[0].values).toEqual({ employeeId: '3', email: 'u@x.example' });
    expect(exp.notes.join()).toMatch(/UTF-16/);
    await expect(read('g.csv', Buffer.from([0xfe, 0xff, 0, 0x41]))).rejects.toThrow(/big-endian/);
    await expect(read('h.csv', Buffer.from([0x41, 0x00, 0xff, 0x0a]))).rejects.toThrow(/not UTF-8/);
  });

  it('names the missing column, a broken quote with its line, and a file that is not there', async () => {
    await expect(read('i.csv', 'Id,Mail\n1,a@x.example\n')).rejects.toThrow(/no column "Work Email" \(email\)/);
    await expect(read('j.csv', `${HEADER}\n1,"Ann,B,a@x.example\n`)).rejects.toThrow(SourceReadError);
    await expect(readCsvExport({ file: path.join(dir, 'none.csv'), display: 'none.csv', encoding: 'auto', delimiter: 'auto', columns })).rejects.toThrow(/does not exist/);
  });

  it('follows a symbolic link to a file but refuses a folder', async () => {
    await writeFile(path.join(dir, 'real.csv'), 'Employee ID,Work Email\n1,a@x.example\n');
    await symlink(path.join(dir, 'real.csv'), path.join(dir, 'link.csv'));
    expect((await readCsvExport({ file: path.join(dir, 'link.csv'), display: 'link.csv', encoding: 'auto', delimiter: 'auto', columns })).rows).toHaveLength(1);
    await expect(readCsvExport({ file: dir, display: 'dir', encoding: 'auto', delimiter: 'auto', columns })).rejects.toThrow(/not a regular file/);
  });
});

describe('dates', () => {
  it('reads ISO and MM/DD/YYYY (or DD/MM/YYYY when set), and nothing ambiguous or impossible', () => {
    expect(parseHrDate('2026-12-14', 'MM/DD/YYYY')).toBe('2026-12-14');
    expect(parseHrDate('2026-12-14T00:00:00Z', 'MM/DD/YYYY')).toBe('2026-12-14');
    expect(parseHrDate('12/14/2026', 'MM/DD/YYYY')).toBe('2026-12-14');
    expect(parseHrDate('1/2/2026', 'MM/DD/YYYY')).toBe('2026-01-02');
    expect(parseHrDate('1/2/2026', 'DD/MM/YYYY')).toBe('2026-02-01');
    for (const bad of ['14/12/2026', '12/14/26', '2026-02-30', 'Dec 14, 2026', '14.12.2026', '']) expect(parseHrDate(bad, 'MM/DD/YYYY'), bad).toBeUndefined();
  });
});

describe('rows with problems are left out whole, with row and column', () => {
  const config = sourceInstanceSchema(csvSource).parse({
    kind: 'csv',
    file: 'x.csv',
    offices: { map: { 'Austin, TX': 'austin', Mars: 'mars' } },
    roles: { map: { Rep: ['sales-rep'] } },
  });
  const ctx = { officeKeys: new Set(['austin']), roleKeys: new Set(['sales-rep']), today: '2026-12-07' };
  const row = (n: number, values: Record<string, string>) => ({ row: n, line: n + 1, values });
  const good = { employeeId: 'E1', email: 'a@x.example', location: 'Austin, TX', jobTitle: 'Rep' };

  it('reports each problem and keeps only whole people', () => {
    const { people, problems } = mapRows(
      {
        from: 'x.csv',
        columns: { email: 'Work Email', employeeId: 'Employee ID', hireDate: 'Hire Date', location: 'Location', phone: 'Mobile Phone' },
        notes: [],
        rows: [
          row(1, good),
          row(2, { ...good, employeeId: 'E2', email: '' }),
          row(3, { ...good, employeeId: 'E3', email: 'c@x.example', hireDate: '2026/12/14' }),
          row(4, { ...good, employeeId: 'E4', email: 'd@x.example', location: 'Berlin' }),
          row(5, { ...good, employeeId: 'E5', email: 'e@x.example', location: 'Mars' }),
          row(6, { ...good, employeeId: 'E6', email: 'A@x.example' }),
          row(7, { ...good, employeeId: 'E1', email: 'g@x.example' }),
          row(8, { ...good, employeeId: 'E8', email: 'h@x.example', phone: 'call me' }),
          row(9, { ...good, employeeId: 'E9', email: 'not-an-email' }),
          row(10, { ...good, employeeId: 'E10', email: 'j@x.example', status: 'Terminated' }),
        ],
      },
      config,
      ctx,
    );
    expect(people.map((p) => p.employeeId)).toEqual(['E10']);
    expect(people[0].endDate).toBe('2026-12-07');
    const text = problems.map((p) => `${p.row}:${p.column ?? ''}:${p.message}`);
    expect(text).toEqual([
      '1:Work Email:email "a@x.example" also on row 6',
      '1:Employee ID:employee id "E1" also on row 7',
      '2:Work Email:no email',
      '3:Hire Date:"2026/12/14" is not a date roster reads (YYYY-MM-DD or MM/DD/YYYY)',
      '4:Location:unknown location "Berlin": add it to sources offices map',
      '5:Location:location "Mars" maps to office mars, which users/ does not declare',
      '6:Work Email:email "a@x.example" also on row 1',
      '7:Employee ID:employee id "E1" also on row 1',
      '8:Mobile Phone:not a phone number roster can read',
      '9:Work Email:"not-an-email" is not an email address',
    ]);
  });

  it('refuses a source mapped onto an SSN or birth date column', () => {
    for (const column of ['SSN', 'Social Security Number', 'Date of Birth', 'Birthdate', 'DOB']) {
      const parsed = sourceInstanceSchema(csvSource).safeParse({ kind: 'csv', file: 'x.csv', fields: { employeeId: column } });
      expect(parsed.success, column).toBe(false);
    }
  });
});
