import { permissions, primaryAccount, reachable } from './emulator-access.js';
import { now } from './emulator-http.js';
import type { PulseMembership, PulseSession, PulseState, PulseUserRow } from './emulator-state.js';

/** What the Pulse emulator answers with: the seed page's User shape and the UserSession payload. */

function accountEntry(state: PulseState, accountId: string, member?: PulseMembership) {
  const account = state.accounts.find((a) => a.accountId === accountId);
  return {
    accountId,
    accountName: account?.accountName ?? '',
    repcode: account?.repcode ?? '',
    usersPrimaryAccount: member?.usersPrimaryAccount ?? false,
    accountAdmin: member?.accountAdmin ?? false,
  };
}

/** The seed page's User shape, seen from one account. */
export function present(state: PulseState, user: PulseUserRow, accountId: string) {
  const member = state.membership(user, accountId);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    active: member?.active ?? false,
    teamId: member?.teamId ?? null,
    phone: user.phone,
    imgSrc: user.imgSrc,
    notificationPreferences: user.notificationPreferences,
    createdBy: user.createdBy,
    updatedBy: user.updatedBy,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    accounts: user.memberships.map((m) => {
      const { repcode: _repcode, ...entry } = accountEntry(state, m.accountId, m);
      return entry;
    }),
    flatRolesList: [...(member?.roles ?? [])],
    flatPermissionsList: state.permissionsOf(member?.roles ?? []),
  };
}

/** The UserSession payload: the caller, its accounts, permissions, token and expiry. */
export function sessionPayload(state: PulseState, session: PulseSession) {
  const { principal } = session;
  const user = state.userByEmail(principal.email);
  const primary = primaryAccount(state, principal) ?? '';
  const accounts = reachable(state, principal).map((id) => accountEntry(state, id, user && state.membership(user, id)));
  const member = user && state.membership(user, primary);
  const roles = member?.roles ?? [];
  return {
    id: user?.id ?? 0,
    email: principal.email,
    active: member?.active ?? true,
    createdBy: user?.createdBy ?? 'system',
    updatedBy: user?.updatedBy ?? 'system',
    createdAt: user?.createdAt ?? now(),
    updatedAt: user?.updatedAt ?? now(),
    impersonating: null,
    primaryAccount: { ...accountEntry(state, primary, member), usersPrimaryAccount: true },
    accounts,
    flatRolesList: [...roles],
    flatPermissionsList: permissions(state, principal, primary),
    permissionsFromRoles: state.permissionsOf(roles),
    permissionsFromRolesDetails: permissionDetails(state, roles, primary),
    token: session.token,
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

/** For each permission the roles grant, which role grants it and in which account. */
function permissionDetails(state: PulseState, roles: string[], accountId: string) {
  const details: Record<string, { role: string; accountId: string | null }[]> = {};
  for (const role of roles) {
    for (const p of state.roles.find((r) => r.name === role)?.permissions ?? []) {
      (details[p] ??= []).push({ role, accountId });
    }
  }
  return details;
}
