import type { DayWindow } from './dates.js';
import type { DeclaredOffice, DeclaredPerson, DeclaredRole, RootConfig } from './schema.js';

/** Where a declaration sits in git, for error messages and annotations. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface ResolvedOffice extends DeclaredOffice {
  source: SourceRef;
}

export interface ResolvedRole extends DeclaredRole {
  source: SourceRef;
}

/** A declared person with references resolved and values normalised. */
export interface ResolvedPerson extends Omit<DeclaredPerson, 'roles' | 'office' | 'manager' | 'phone' | 'timezone'> {
  /** Lower-cased email: the identity everywhere. */
  key: string;
  /** Phone in E.164, when declared. */
  phone?: string;
  /** The person's own timezone, or their office's. */
  timezone?: string;
  active: boolean;
  /** Every role the person is declared with, whatever its window (see roleWindows). */
  roles: ResolvedRole[];
  /** Role key → the days the person holds it, for roles declared with from/until. */
  roleWindows?: Record<string, DayWindow>;
  office?: ResolvedOffice;
  /** The manager's key (lower-cased email). */
  manager?: string;
  source: SourceRef;
}

/** The whole declared state: root config plus every file under users/, resolved. */
export interface Organisation {
  config: RootConfig;
  configFile: string;
  offices: Map<string, ResolvedOffice>;
  roles: Map<string, ResolvedRole>;
  people: ResolvedPerson[];
  peopleByKey: Map<string, ResolvedPerson>;
  files: string[];
}
