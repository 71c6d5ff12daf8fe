import type { AccessReport } from './model.js';
import type { AccessRow } from './rows.js';

/*
 * Renderers of a (masked) access report: CSV for spreadsheets and audit tools (one row per account, like
 * Entra's review history), JSON for machines, Markdown for a run summary or an issue. They talk to nobody.
 */

export type ReportFormat = 'csv' | 'json' | 'markdown';

export const CSV_COLUMNS = [
  'person', 'name', 'vendor', 'kind', 'vendor_id', 'declared', 'live', 'declared_roles', 'declared_office', 'live_roles', 'live_office',
  'since', 'since_commit', 'since_author', 'pull_request', 'merged_at', 'merged_by', 'approval', 'approvers', 'self_approval',
  'last_apply', 'last_apply_action', 'drift', 'leaver', 'access_ended', 'ended_commit', 'leaver_status', 'removed_at', 'on_time', 'note',
] as const;

const yesNo = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');

export function csvRecord(row: AccessRow): Record<(typeof CSV_COLUMNS)[number], string> {
  return {
    person: row.person,
    name: row.name ?? '',
    vendor: row.vendor,
    kind: row.kind,
    vendor_id: row.vendorId ?? '',
    declared: row.declared,
    live: row.live,
    declared_roles: row.declaredRoles.join(' '),
    declared_office: row.declaredOffice ?? '',
    live_roles: row.liveRoles.join(' '),
    live_office: row.liveOffice ?? '',
    since: row.since?.date ?? '',
    since_commit: row.since?.sha ?? '',
    since_author: row.since?.author ?? '',
    pull_request: row.pullRequest ? String(row.pullRequest.number) : '',
    merged_at: row.pullRequest?.mergedAt ?? '',
    merged_by: row.pullRequest?.mergedBy ?? '',
    approval: row.approval,
    approvers: row.approvers.join(' '),
    self_approval: yesNo(row.selfApproval),
    last_apply: row.lastApply?.at ?? '',
    last_apply_action: row.lastApply?.action ?? '',
    drift: row.drift.join('; '),
    leaver: row.leaver?.how ?? '',
    access_ended: row.leaver?.endedAt ?? '',
    ended_commit: row.leaver?.commit?.sha ?? '',
    leaver_status: row.leaver ? (row.leaver.overdue ? 'still active (overdue)' : row.leaver.status) : '',
    removed_at: row.leaver?.removedAt ?? '',
    on_time: yesNo(row.leaver?.onTime),
    note: row.note ?? '',
  };
}

/**
 * RFC 4180: quoted when needed, quotes doubled, CRLF line ends. A cell a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'` (OWASP's CSV injection advice): a
 * vendor's user name is text anybody can set.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(report: AccessReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of report.rows) {
    const record = csvRecord(row);
    lines.push(CSV_COLUMNS.map((c) => csvCell(record[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function renderJson(report: AccessReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Markdown table cells: pipes and line breaks would end the cell; backticks and angle brackets are shown as text. */
const md = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>`*_[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : '');
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');

export function renderMarkdown(report: AccessReport): string {
  const s = report.summary;
  const out: string[] = [
    '## roster access report',
    '',
    `Declared: commit \`${short(report.declared.commit)}\`, as of ${report.declared.asOf}. ` +
      `Live: read ${report.live.readAt} (${report.live.note}). Generated ${report.generatedAt} by roster ${report.rosterVersion}.`,
    '',
    `**${s.rows}** accounts of **${s.people}** people · drift **${s.drift}** · not in git **${s.unmanaged}** · ` +
      `self-approved or unapproved **${s.selfApproval}** · leavers **${s.leavers}** (overdue **${s.leaversOverdue}**) · unreadable **${s.unreadable}**`,
    '',
  ];
  for (const v of report.live.vendors) {
    if (v.error) out.push(`- ⚠ ${md(v.vendor)}: ${md(v.error)}`);
    else if (v.mode === 'byKey') out.push(`- ${md(v.vendor)} is read person by person (no list endpoint): accounts git does not describe cannot be seen there.`);
  }
  for (const e of report.github.errors) out.push(`- ⚠ GitHub: ${md(e)}`);
  if (report.github.source !== 'github') out.push(`- Approvals: ${md(report.github.source)}`);
  out.push(
    '',
    '| Person | Vendor | Declared | Live | Roles (git → live) | Office (git → live) | Since | PR | Approved by | Last apply | Drift |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of report.rows) {
    const approval =
      r.approval === 'approved' ? r.approvers.join(', ') : r.approval === 'unknown' ? '?' : `⚠ ${r.approval}${r.approvers.length ? ` (${r.approvers.join(', ')})` : ''}`;
    out.push(
      `| ${md(r.person)} | ${md(r.vendor)} | ${r.declared} | ${r.live} | ${md(r.declaredRoles.join(' '))} → ${md(r.liveRoles.join(' '))} | ` +
        `${md(r.declaredOffice ?? '')} → ${md(r.liveOffice ?? '')} | ${day(r.since?.date)} ${short(r.since?.sha)} | ${r.pullRequest ? `#${r.pullRequest.number}` : ''} | ` +
        `${md(approval)} | ${r.lastApply ? `${day(r.lastApply.at)} ${r.lastApply.action}` : ''} | ${md([...r.drift, ...(r.note ? [r.note] : [])].join('; '))} |`,
    );
  }
  const leavers = report.rows.filter((r) => r.leaver);
  if (leavers.length) {
    out.push('', `### Leavers (removal due within ${report.leaverHours} h)`, '', '| Person | Vendor | Ended in git | How | Live now | Removed | On time |', '|---|---|---|---|---|---|---|');
    for (const r of leavers) {
      const l = r.leaver!;
      const status = l.overdue ? '⚠ still active (overdue)' : l.status;
      out.push(`| ${md(r.person)} | ${md(r.vendor)} | ${l.endedAt} ${short(l.commit?.sha)} | ${md(l.how)} | ${status} | ${l.removedAt ?? ''} | ${yesNo(l.onTime)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

export const reportRenderers: Record<ReportFormat, (report: AccessReport) => string> = { csv: renderCsv, json: renderJson, markdown: renderMarkdown };
