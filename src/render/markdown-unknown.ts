import type { PlanView } from '../reconcile/types.js';
import { escapeText } from './escape.js';

/** Active live users git does not describe and no policy accepts: drift, with who, what and where. */
export function renderUnknownUsers(plan: PlanView, room: number, open: boolean): { text: string; leftOut: number } {
  const users = plan.vendors.flatMap((v) => v.unmanaged.filter((u) => u.drift).map((u) => ({ vendor: v.vendor, ...u })));
  if (!users.length) return { text: '', leftOut: 0 };
  const head =
    `\n<details${open ? ' open' : ''}><summary><b>${users.length} live user${users.length === 1 ? '' : 's'} not described in git</b> ` +
    '(drift: add them to git, offboard them by hand, or accept them in <code>policy.ignore</code>)</summary>\n\n' +
    '| vendor | name | email | vendor id | why |\n| --- | --- | --- | --- | --- |\n';
  const foot = '\n</details>\n';
  let left = room - head.length - foot.length - 80;
  const lines: string[] = [];
  for (const u of users) {
    const line = `| ${escapeText(u.vendor)} | ${escapeText(u.name ?? '')} | ${escapeText(u.email)} | ${escapeText(u.vendorId)} | ${escapeText(u.reason)} |\n`;
    if (line.length > left) break;
    lines.push(line);
    left -= line.length;
  }
  if (lines.length === 0) return { text: '', leftOut: users.length };
  const leftOut = users.length - lines.length;
  const more = leftOut ? `\n_${leftOut} more not shown (see the full plan)_\n` : '';
  return { text: `${head}${lines.join('')}${more}${foot}`, leftOut };
}
