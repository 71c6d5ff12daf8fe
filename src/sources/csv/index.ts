import path from 'node:path';
import { z } from 'zod';
import type { SourceInstanceConfig } from '../../config/schema.js';
import { fieldNames, type SourceModule } from '../types.js';
import { readCsvExport, resolveCsvPath } from './reader.js';

const configShape = {
  file: z.string().min(1).describe('The HR export, relative to roster.yaml'),
  encoding: z
    .enum(['auto', 'utf-8', 'windows-1252'])
    .default('auto')
    .describe('auto reads UTF-8 and falls back to Windows-1252 (Latin-1) with a note; utf-8 refuses anything else'),
  delimiter: z.enum(['auto', ',', ';', '\t']).default('auto').describe('auto picks , ; or tab from the header line'),
};

interface CsvConfig extends SourceInstanceConfig {
  file: string;
  encoding: 'auto' | 'utf-8' | 'windows-1252';
  delimiter: 'auto' | ',' | ';' | '\t';
}

/** `kind: csv`: a file every HR system can export (BambooHR, Rippling, Paylocity, ADP, Gusto). */
export const csvSource: SourceModule<typeof configShape> = {
  kind: 'csv',
  configShape,
  // The column headers of a typical HR "employee list" export; each is a setting (sources.<name>.fields).
  defaultFields: {
    email: 'Work Email',
    firstName: 'First Name',
    lastName: 'Last Name',
    phone: 'Mobile Phone',
    employeeId: 'Employee ID',
    hireDate: 'Hire Date',
    terminationDate: 'Termination Date',
    status: 'Status',
    location: 'Location',
    department: 'Department',
    jobTitle: 'Job Title',
    manager: 'Manager ID',
  },
  describe: (config) => `CSV file ${(config as CsvConfig).file}`,
  read(_name, config, ctx) {
    const csv = config as CsvConfig;
    const file = resolveCsvPath(ctx.configDir, csv.file);
    return readCsvExport({
      file,
      display: path.relative(process.cwd(), file) || path.basename(file),
      encoding: csv.encoding,
      delimiter: csv.delimiter,
      columns: fieldNames(csvSource, config),
    });
  },
};
