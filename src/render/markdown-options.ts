import type { VendorLabels } from './labels.js';

/** GitHub refuses comment and issue bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

/** Finds roster's comment among a pull request's comments; invisible once rendered. */
export const PLAN_MARKER = '<!-- roster-plan -->';

/** The pull request label that lets the merge apply run with --force (policy thresholds overridden). */
export interface OverrideLabel {
  name: string;
  /** Whether the pull request carries it now. */
  present: boolean;
  /**
   * Whether it counts, as read from GitHub (src/github/override.ts): who added the label, who approved,
   * or why it does not count. Absent when nobody asked GitHub.
   */
  verdict?: { valid: boolean; labelledBy?: string; approvedBy: string[]; headSha: string; reasons: string[] };
}

export interface MarkdownOptions {
  /** Mask email addresses (root config `github.maskEmails`). Phones, SSNs and dates of birth are always masked. */
  maskEmails: boolean;
  /** The plan's checksum; computed from the plan when not given. */
  checksum?: string;
  maxLength?: number;
  /** Where the full plan is (the workflow run holding the plan artifact); named when something is left out. */
  fullPlanUrl?: string;
  /** The heading: `roster plan` on a pull request, `roster drift` on the drift issue. */
  title?: string;
  /** Safety thresholds the plan is over: apply will refuse it without --force, so reviewers see why. */
  thresholdWarnings?: string[];
  /** Office and role ids with their roster keys (from the declared state). */
  labels?: VendorLabels;
  /** The reviewed override label, on a pull request. */
  override?: OverrideLabel;
  /** The drift issue: live users git does not describe are open at the top, not folded. */
  drift?: boolean;
}
