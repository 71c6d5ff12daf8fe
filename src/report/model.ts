import { maskEmail, sanitizeText, type MaskOptions } from '../render/mask.js';
import type { AccessRow } from './rows.js';
import type { CommitRef } from './history.js';

/** The whole access report: what was read, from where, when, and one row per person and vendor account. */
export interface AccessReport {
  version: 1;
  /** When the report was made (UTC). */
  generatedAt: string;
  rosterVersion: string;
  /** The declared side: the commit read, and the day people's dates were evaluated on. */
  declared: { commit: string; committedAt?: string; asOf: string; asOfGiven: boolean };
  /** The live side is always read now, whatever --as-of says. */
  live: { readAt: string; note: string; vendors: { vendor: string; kind: string; mode: 'list' | 'byKey'; error?: string }[] };
  github: { source: string; errors: string[] };
  applyReports: { files: string[]; skipped: { file: string; reason: string }[] };
  leaverHours: number;
  rows: AccessRow[];
  summary: ReportSummary;
}

export interface ReportSummary {
  rows: number;
  people: number;
  drift: number;
  unmanaged: number;
  /** Rows whose access was approved by nobody or only by its holder. */
  selfApproval: number;
  leavers: number;
  leaversOverdue: number;
  unreadable: number;
}

export function summarise(rows: AccessRow[]): ReportSummary {
  return {
    rows: rows.length,
    people: new Set(rows.filter((r) => r.declared !== 'not in git').map((r) => r.person)).size,
    drift: rows.filter((r) => r.drift.length > 0).length,
    unmanaged: rows.filter((r) => r.declared === 'not in git' && !r.leaver).length,
    selfApproval: rows.filter((r) => r.selfApproval).length,
    leavers: rows.filter((r) => r.leaver).length,
    leaversOverdue: rows.filter((r) => r.leaver?.overdue).length,
    unreadable: rows.filter((r) => r.live === 'unreadable').length,
  };
}

/**
 * The report as anyone may read it, masked like the PR comment: emails when `github.maskEmails` is set
 * (and then names go too), and every free text (commit subjects, vendor messages) through the same
 * sanitiser, so a phone, SSN or date of birth in a commit message never reaches the artifact.
 */
export function maskReport(report: AccessReport, options: MaskOptions): AccessReport {
  const email = (s: string) => (options.maskEmails && s.includes('@') ? maskEmail(s) : s);
  // The same few texts (commit subjects, drift words) recur on every row: each is sanitised once.
  const seen = new Map<string, string>();
  const text = (s: string) => {
    let masked = seen.get(s);
    if (masked === undefined) seen.set(s, (masked = sanitizeText(s, options)));
    return masked;
  };
  const commit = (c: CommitRef | undefined) => c && { ...c, subject: text(c.subject) };
  const rows = report.rows.map((row): AccessRow => {
    const masked: AccessRow = { ...row, person: email(row.person), drift: row.drift.map(text), discounted: row.discounted.map(text) };
    if (options.maskEmails) delete masked.name;
    if (row.since) masked.since = commit(row.since);
    if (row.note !== undefined) masked.note = text(options.maskEmails ? row.note.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, maskEmail) : row.note);
    if (row.leaver?.commit) masked.leaver = { ...row.leaver, commit: commit(row.leaver.commit) };
    return masked;
  });
  const vendors = report.live.vendors.map((v) => (v.error ? { ...v, error: text(v.error) } : v));
  return { ...report, rows, live: { ...report.live, vendors }, github: { ...report.github, errors: report.github.errors.map(text) } };
}
