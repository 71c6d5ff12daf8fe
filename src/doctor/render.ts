import { colors } from '../render/colors.js';
import type { DoctorReport, StepResult } from './model.js';

const STATUS: Record<StepResult['status'], (s: string) => string> = {
  ok: colors.green,
  fail: colors.red,
  warn: colors.yellow,
  skip: colors.dim,
};

/** The terminal view: one block per vendor, one line per step, and under a failure what to change and what the vendor said. */
export function renderDoctorText(report: DoctorReport): string {
  const lines: string[] = [];
  for (const vendor of report.vendors) {
    const verdict = vendor.usable ? colors.green('usable') : colors.red('NOT USABLE');
    lines.push(`${colors.bold(vendor.vendor)} (${vendor.kind}, ${vendor.baseUrl}): ${verdict}`);
    for (const step of vendor.steps) {
      const status = STATUS[step.status](step.status.toUpperCase().padEnd(4));
      const ms = step.ms > 0 ? `${step.ms} ms` : '';
      lines.push(`  ${status}  ${step.step.padEnd(11)} ${ms.padStart(8)}  ${step.detail}`);
      if (step.setting && step.status !== 'ok') lines.push(`${' '.repeat(30)}fix: ${step.setting}${step.at ? ` (${step.at})` : ' (not set in the file: the default applies)'}`);
      if (step.answer && step.status !== 'ok') {
        const body = step.answer.body ? ` ${step.answer.body}` : '';
        lines.push(`${' '.repeat(30)}vendor answered: ${step.answer.status ?? ''}${body}`);
      }
    }
    lines.push('');
  }
  const usable = report.vendors.filter((v) => v.usable).length;
  lines.push(`${usable} of ${report.vendors.length} vendor${report.vendors.length === 1 ? '' : 's'} usable.`);
  return `${lines.join('\n')}\n`;
}

export function renderDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
