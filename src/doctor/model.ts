/**
 * What `roster doctor` found, as data: the terminal table and `--format json` are two views of it.
 * A step that fails names the setting to change and what the vendor answered (redacted).
 */
export type StepName = 'config' | 'credentials' | 'host' | 'read' | 'rate';
export type StepStatus = 'ok' | 'fail' | 'skip' | 'warn';

export interface StepResult {
  step: StepName;
  status: StepStatus;
  /** How long the step took; 0 for steps that send nothing. */
  ms: number;
  detail: string;
  /** The setting to change, e.g. `vendors.pulse.usersPath`. */
  setting?: string;
  /** Where that setting sits, e.g. `roster.yaml:14`; unset when it is not in the file (a default). */
  at?: string;
  /** What the vendor answered: status and the start of the body, redacted like a trace. */
  answer?: { status?: number; body?: string };
}

export interface VendorDiagnosis {
  vendor: string;
  kind: string;
  baseUrl: string;
  usable: boolean;
  steps: StepResult[];
}

export interface DoctorReport {
  version: 1;
  usable: boolean;
  vendors: VendorDiagnosis[];
}
