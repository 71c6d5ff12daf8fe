import type { Principal, PulseState } from './emulator-state.js';

/**
 * Who may reach which account and do what there. An API key reaches its own account and the extra ones
 * the fixture grants; a user reaches the accounts it is a member of. Permissions come from the key, or from
 * the user's roles in that account; an account admin may do anything in its account (inferred).
 */

export function reachable(state: PulseState, principal: Principal): string[] {
  if (principal.kind === 'apiKey') {
    const key = state.apiKeys.find((k) => k.apiKey === principal.apiKey);
    return key ? [key.accountId, ...key.extraAccounts] : [];
  }
  return state.userByEmail(principal.email)?.memberships.map((m) => m.accountId) ?? [];
}

export function primaryAccount(state: PulseState, principal: Principal): string | undefined {
  if (principal.kind === 'apiKey') return state.apiKeys.find((k) => k.apiKey === principal.apiKey)?.accountId;
  const user = state.userByEmail(principal.email);
  return (user?.memberships.find((m) => m.usersPrimaryAccount) ?? user?.memberships[0])?.accountId;
}

export function permissions(state: PulseState, principal: Principal, accountId: string): string[] {
  if (principal.kind === 'apiKey') return [...(state.apiKeys.find((k) => k.apiKey === principal.apiKey)?.permissions ?? [])].sort();
  const user = state.userByEmail(principal.email);
  const member = user && state.membership(user, accountId);
  return member ? state.permissionsOf(member.roles) : [];
}

export function can(state: PulseState, principal: Principal, accountId: string, permission: string): boolean {
  if (principal.kind === 'user') {
    const user = state.userByEmail(principal.email);
    if (user && state.membership(user, accountId)?.accountAdmin) return true;
  }
  const held = permissions(state, principal, accountId);
  return held.includes(permission) || held.includes('superAdmin');
}
