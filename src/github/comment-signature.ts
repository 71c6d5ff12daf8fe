import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseChecksumMarker } from '../render/markdown.js';

/*
 * roster's plan comment, signed. The checksum and seal in the marker hold apply to the plan the marker
 * names, but nothing ties the markdown reviewers read to that marker: anyone who may edit the comment (a
 * workflow a pull request adds posts and edits as github-actions[bot], the same identity as roster) can
 * show reviewers a harmless plan over the genuine marker. With ROSTER_COMMENT_KEY, a secret only the
 * roster-plan and roster-apply environments hold, the plan run signs what it posts and the merge's
 * `roster github checksum` refuses a comment whose text, pull request, head or checksum is not what was
 * signed, or that was edited after it was signed (an edit and a restore word for word included).
 *
 * What is covered: the comment is `COVERED + SIGNATURE_MARKER`, the marker last (only whitespace may
 * follow it, which renders as nothing). COVERED is every character before the marker, exactly as
 * posted (secrets already redacted): the visible plan and the checksum marker. The HMAC-SHA256 is over
 * the JSON array [FORMAT, repository, pull number, head SHA, plan checksum (from COVERED's checksum
 * marker, '' when it has none), signedAt, COVERED]: JSON gives each field an unambiguous boundary.
 */

/** Changes only when what is signed changes, and then every older signature stops verifying. */
const FORMAT = 'roster-comment-signature/1';

/**
 * How much later than signedAt GitHub may stamp the comment's updated_at. signedAt is the runner's clock
 * taken just before the comment is sent, updated_at is GitHub's: they differ by the request's time and
 * the clocks' skew (hosted runners sync with NTP; seconds at worst). An edit later than this, even one
 * that restores the text, is refused. It is also the window in which an edit and a restore go unseen.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 60_000;

/** Room a body leaves for the signature marker (about 220 characters at most, with a 64-hex head), so a body at GitHub's limit can still be signed. */
export const SIGNATURE_ROOM = 256;

const SIGNATURE_MARKER = /<!-- roster-plan-signature: v1 pull=(\d+) head=([0-9a-f]{7,64}) signedAt=(\S+) hmac=([0-9a-f]{64}) -->\s*$/;

/** What a signature binds a comment to, besides its text. */
export interface SignedFor {
  /** owner/name */
  repository: string;
  pullNumber: number;
  /** The pull request's head commit the plan was made from. */
  headSha: string;
}

/**
 * The canonical input of the HMAC (see the top of this file). Never printed: it holds the whole body.
 * Line endings count as \n: a body that comes back with \r\n (as text a browser submits does) renders the
 * same, so it is not an edit, and reading it as one would refuse a genuine review.
 */
function signedInput(covered: string, signedFor: SignedFor, signedAt: string): string {
  const text = covered.replace(/\r\n/g, '\n');
  const checksum = parseChecksumMarker(text)?.checksum ?? '';
  return JSON.stringify([FORMAT, signedFor.repository, signedFor.pullNumber, signedFor.headSha, checksum, signedAt, text]);
}

function mac(key: string, input: string): Buffer {
  return createHmac('sha256', key).update(input, 'utf8').digest();
}

/**
 * The body to post: `body` (ending in a newline, so the marker sits on its own line) and the signature
 * marker after it. `signedAt` is taken by the caller just before the comment is created or edited.
 */
export function signComment(body: string, key: string, signedFor: SignedFor, signedAt: Date): string {
  if (!/^[0-9a-f]{7,64}$/.test(signedFor.headSha)) throw new Error(`cannot sign the roster comment: "${signedFor.headSha}" is not a commit SHA`);
  const covered = body.endsWith('\n') ? body : `${body}\n`;
  const at = signedAt.toISOString();
  const hmac = mac(key, signedInput(covered, signedFor, at)).toString('hex');
  return `${covered}<!-- roster-plan-signature: v1 pull=${signedFor.pullNumber} head=${signedFor.headSha} signedAt=${at} hmac=${hmac} -->`;
}

/** A comment as GitHub gives it back: its current body and when it was last edited (GitHub's clock). */
export interface CommentToVerify {
  body: string;
  updatedAt?: string;
}

/**
 * Why a comment cannot be taken as the plan roster signed for `expected`, or undefined when it can: the
 * signature is there, for this pull request and head, matches the current body, and GitHub has not seen
 * the comment edited after it was signed (beyond CLOCK_SKEW_TOLERANCE_MS). Each reason is a sentence.
 */
export function signatureProblem(comment: CommentToVerify, key: string, expected: SignedFor): string | undefined {
  const match = SIGNATURE_MARKER.exec(comment.body);
  if (!match) {
    return (
      'it carries no signature: it was not posted by a roster plan run holding ROSTER_COMMENT_KEY (set the same key in the ' +
      'roster-plan environment), or someone removed the signature'
    );
  }
  const [, pull, head, signedAt, hmac] = match;
  if (Number(pull) !== expected.pullNumber || head !== expected.headSha) {
    return `it is signed for pull request #${pull} at ${head}, not for #${expected.pullNumber} at its merged head ${expected.headSha}`;
  }
  const covered = comment.body.slice(0, match.index);
  const wanted = mac(key, signedInput(covered, expected, signedAt));
  if (!timingSafeEqual(wanted, Buffer.from(hmac, 'hex'))) {
    return (
      'the comment was edited after roster posted it: its text (the plan reviewers read, or its checksum) no longer matches ' +
      "roster's signature (or it was signed with another ROSTER_COMMENT_KEY)"
    );
  }
  const signed = Date.parse(signedAt);
  const updated = comment.updatedAt === undefined ? NaN : Date.parse(comment.updatedAt);
  // Only a holder of the key can sign a signedAt that is not a time; refused all the same.
  if (Number.isNaN(signed)) return `its signature carries no time it was signed at ("${signedAt}")`;
  if (Number.isNaN(updated)) return 'GitHub gives no time of its last edit (updated_at), so an edit after roster signed it cannot be ruled out';
  if (updated > signed + CLOCK_SKEW_TOLERANCE_MS) {
    return (
      `the comment was edited at ${comment.updatedAt}, after roster signed it at ${signedAt} (more than ${CLOCK_SKEW_TOLERANCE_MS / 1000} s later): ` +
      'its text is as roster signed it now, but reviewers may have read something else in between'
    );
  }
  return undefined;
}
