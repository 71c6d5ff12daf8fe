import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { redactKnownSecrets } from '../secrets/redact.js';
import { anyKnown, isKnownBirthDate, isKnownPhone, isKnownSsn, kindByName, registerPersonalValue } from '../secrets/personal-values.js';
import type { Change, ManualStep, OperationView, PlanView, PlanError, PlanNotice, UnmanagedUser, VendorPlanView } from '../reconcile/types.js';
import type { FieldSpec, FieldValue } from '../reconcile/types.js';

/**
 * Masking of personal data for anything posted to GitHub (comments, issues, annotations, logs of a
 * public repository). Credentials are a separate concern: the HTTP layer registers them and
 * `redactKnownSecrets` removes them; `sanitizeText` applies both.
 */

export type PersonalKind = NonNullable<FieldSpec['personal']>;

export interface MaskOptions {
  /** Mask email addresses too (root config `github.maskEmails`); off by default: reviewers need to see who changes. */
  maskEmails: boolean;
}

const DOT = '•';
const dots = (n: number) => DOT.repeat(n);

/** `+15125550100` → `+1 ••• ••• 0100`: the country code and the last four digits stay, to tell numbers apart. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return dots(3);
  const last4 = digits.slice(-4);
  // Without a `+`, a number is read as a US one: roster stores E.164, so that is vendor-echoed text.
  const parsed = value.trim().startsWith('+')
    ? parsePhoneNumberFromString(value.trim())
    : parsePhoneNumberFromString(value.replace(/^\D+/, ''), 'US');
  const country = parsed?.countryCallingCode;
  const prefix = country ? `+${country} ` : '';
  return `${prefix}${dots(3)} ${dots(3)} ${last4}`;
}

/** `123-45-6789` → `•••-••-6789`. */
export function maskSsn(value: string): string {
  const digits = value.replace(/\D/g, '');
  return `${dots(3)}-${dots(2)}-${digits.length >= 4 ? digits.slice(-4) : dots(4)}`;
}

/** A date of birth says nothing a reviewer needs: all of it goes. */
export function maskDateOfBirth(_value: string): string {
  return `${dots(4)}-${dots(2)}-${dots(2)}`;
}

/** `jane.doe@example.com` → `j•••@example.com`: the domain stays, so a reviewer still sees which company. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return `${value.slice(0, 1)}${dots(3)}`;
  return `${value.slice(0, 1)}${dots(3)}${value.slice(at)}`;
}

const maskers: Record<PersonalKind, (value: string) => string> = {
  phone: maskPhone,
  ssn: maskSsn,
  dateOfBirth: maskDateOfBirth,
  email: maskEmail,
};

/**
 * The personal kind of a field: its FieldSpec says so; a field whose name plainly is personal data
 * (`mobilePhone`, `dob`, `ssn`) counts too, so an adapter that forgets the flag still does not leak.
 */
export function personalKind(field: string, fields: FieldSpec[]): PersonalKind | undefined {
  return fields.find((f) => f.name === field)?.personal ?? kindByName(field);
}

/** Masks every string inside a field value (a list of phones, an object holding one) with the given kind. */
export function maskValue(value: FieldValue | undefined, kind: PersonalKind | undefined, options: MaskOptions): FieldValue | undefined {
  if (value === undefined || value === null) return value;
  if (!kind || (kind === 'email' && !options.maskEmails)) {
    return typeof value === 'string' ? sanitizeText(value, options) : mapStrings(value, (s) => sanitizeText(s, options));
  }
  const mask = maskers[kind];
  return mapStrings(value, (s) => (s === '' ? s : mask(s)));
}

function mapStrings(value: FieldValue, fn: (s: string) => string): FieldValue {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map(fn);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

// Shapes of personal data in free text. Word boundaries keep digits inside ids (`a1b2…`, hex) alone.
// SSNs as the US writes them: dashes, spaces, dots, or nine digits run together.
const SSN_SHAPE = /(?<![\w.-])\d{3}([- .]?)\d{2}\1\d{4}(?![\w]|[.-]\d)/g;
const PHONE_SHAPE = /(?<![\w+(])(?:\+|\()?\d[\d ().-]{8,18}\d\b/g;
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
// Dates in the usual national forms: ISO (`1974-06-15`, `1974/06/15`, `1974.06.15`), day or month first
// with `/`, `.` or `-`, compact (`19740615`), and written out (`June 15, 1974`, `15 June 1974`,
// `15-Jun-1974`). A date at midnight (`1974-06-15T00:00:00Z`) is how a date of birth travels as a date-time.
const DATE_FORMS = [
  String.raw`\b\d{4}(?<isoSep>[-/.])\d{1,2}\k<isoSep>\d{1,2}(?:T00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?(?![\dT])`,
  String.raw`\b\d{1,2}(?<natSep>[/.-])\d{1,2}\k<natSep>\d{2,4}\b`,
  String.raw`\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b`,
  String.raw`\b(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`,
  String.raw`\b\d{1,2}(?:st|nd|rd|th)?[\s-]+(?:${MONTHS})\.?[\s,-]+\d{4}\b`,
].join('|');
/**
 * A date that a label says is a birth date: `dateOfBirth: …`, `"date_of_birth":"…"`, `dob=…`, `born …`,
 * `<birthday>…`. Only these are masked by their shape: every other date (a start, an end, a schedule) is
 * what a log is for, and stays.
 */
const LABELLED_BIRTH_DATE = new RegExp(String.raw`((?:\b[\w-]*birth[\w-]*|\bdob\b|\bd\.o\.b\.?|\bborn(?:[\s_-]+on)?\b)[\s"':=>]{0,6})(?:${DATE_FORMS})`, 'gi');
/** Every date-shaped run, and an ISO date whatever follows it: checked against the birth dates roster has seen. */
const ANY_DATE = new RegExp(String.raw`(?:${DATE_FORMS})|\b\d{4}-\d{2}-\d{2}(?=T)`, 'gi');
/** Runs of digits with the separators numbers are written with: checked against the SSNs and phones roster has seen. */
const DIGIT_RUN = /(?<![\w+])\+?\(?\d[\d ().\/-]{5,20}\d(?!\w)/g;
const EMAIL_SHAPE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * The personal values roster has seen (personal-values.ts), in any format they are printed in: a birth
 * date as `1990/01/02`, `01/02/1990` or `19900102`, an SSN or a phone with any separators.
 */
function maskKnownPersonal(text: string): string {
  if (!anyKnown()) return text;
  return text
    .replace(ANY_DATE, (m) => (isKnownBirthDate(m) ? maskDateOfBirth(m) : m))
    .replace(DIGIT_RUN, (m) => (isKnownSsn(m) ? maskSsn(m) : isKnownPhone(m) ? maskPhone(m) : m));
}

/**
 * The defensive pass for free text (vendor error messages, hints, reasons): known secrets go; the
 * personal values roster has seen go in any format; anything shaped like an SSN or a phone number goes,
 * and a date goes when a label says it is a birth date. Other dates stay: starts, ends and schedules are
 * what an Actions log is read for.
 */
export function sanitizeText(text: string, options: MaskOptions): string {
  let out = maskKnownPersonal(redactKnownSecrets(text))
    .replace(SSN_SHAPE, (m) => maskSsn(m))
    .replace(LABELLED_BIRTH_DATE, (m, label: string) => `${label}${maskDateOfBirth(m)}`)
    .replace(PHONE_SHAPE, (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 10 && digits <= 15 ? maskPhone(m) : m;
    });
  if (options.maskEmails) out = out.replace(EMAIL_SHAPE, (m) => maskEmail(m));
  return out;
}

/**
 * The plan as it may be shown on GitHub: personal field values masked per each vendor's FieldSpec,
 * emails (keys included) masked when configured, free text sanitised, and the full desired/live
 * records dropped (they hold every field of a person, managed or not). Renderers for GitHub read
 * this and nothing else.
 */
export function maskPlan(plan: PlanView, options: MaskOptions): PlanView {
  rememberPersonalValues(plan);
  const email = (s: string) => (options.maskEmails ? maskEmail(s) : s);
  const upcoming = plan.upcoming?.map((u) => ({ ...u, key: email(u.key) }));
  return { ...plan, vendors: plan.vendors.map((v) => maskVendorPlan(v, options)), ...(upcoming ? { upcoming } : {}) };
}

/**
 * The personal values of the records a plan carries (declared and live), remembered before anything of the
 * plan or its apply is printed: a vendor echoing one of them later, in any format, is caught by value.
 */
function rememberPersonalValues(plan: PlanView): void {
  for (const vendor of plan.vendors) {
    for (const op of vendor.operations) {
      for (const record of [op.desired, op.live]) {
        for (const [field, value] of Object.entries(record?.fields ?? {})) {
          const kind = personalKind(field, vendor.fields);
          if (kind) registerPersonalValue(kind, value);
        }
      }
    }
  }
}

function maskVendorPlan(vendor: VendorPlanView, options: MaskOptions): VendorPlanView {
  const email = (s: string) => (options.maskEmails ? maskEmail(s) : s);
  const text = (s: string) => sanitizeText(s, options);
  const change = (c: Change): Change => {
    const kind = personalKind(c.field, vendor.fields);
    const masked: Change = { field: c.field };
    if ('before' in c) masked.before = maskValue(c.before, kind, options);
    if ('after' in c) masked.after = maskValue(c.after, kind, options);
    return masked;
  };
  const operation = (op: OperationView): OperationView => ({
    action: op.action,
    key: email(op.key),
    ...(op.vendorId !== undefined ? { vendorId: op.vendorId } : {}),
    changes: op.changes.map(change),
    dependsOn: op.dependsOn.map(email),
    ...(op.reason !== undefined ? { reason: text(op.reason) } : {}),
    ...(op.cause ? { cause: { kind: 'date' as const, events: op.cause.events.map((e) => ({ ...e, key: email(e.key) })) } } : {}),
    ...(op.window ? { window: op.window } : {}),
  });
  const unmanaged = (u: UnmanagedUser): UnmanagedUser => ({
    vendorId: u.vendorId,
    email: email(u.email),
    reason: text(u.reason),
    ...(u.drift ? { drift: u.drift } : {}),
    // A name says who as plainly as an email, so it goes where emails are masked.
    ...(u.name && !options.maskEmails ? { name: text(u.name) } : {}),
  });
  const inText = (s: string) => text(options.maskEmails ? s.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, (e) => maskEmail(e)) : s);
  const manual = (m: ManualStep): ManualStep => ({
    key: email(m.key),
    vendorId: m.vendorId,
    message: inText(m.message),
    ...(m.hint ? { hint: inText(m.hint) } : {}),
  });
  const notice = (n: PlanNotice): PlanNotice => ({ ...n, key: email(n.key), message: inText(n.message) });
  const error = (e: PlanError): PlanError => ({
    ...(e.key !== undefined ? { key: email(e.key) } : {}),
    message: text(e.message),
    ...(e.hint !== undefined ? { hint: text(e.hint) } : {}),
  });
  return {
    ...vendor,
    operations: vendor.operations.map(operation),
    unmanaged: vendor.unmanaged.map(unmanaged),
    errors: vendor.errors.map(error),
    notices: (vendor.notices ?? []).map(notice),
    ...(vendor.manual ? { manual: vendor.manual.map(manual) } : {}),
    ids: Object.fromEntries(Object.entries(vendor.ids ?? {}).map(([key, id]) => [email(key), id])),
  };
}

/**
 * Whether output lands where others read it: a CI log (GitHub Actions sets both variables), which
 * every reader of the repository can open. Such output is masked like the PR comment.
 */
export function inSharedLog(env: NodeJS.ProcessEnv = process.env): boolean {
  const set = (value: string | undefined) => value !== undefined && value !== '' && value !== 'false' && value !== '0';
  return set(env.CI) || set(env.GITHUB_ACTIONS);
}

/** The plan to print: masked (as `maskPlan`) in a shared log, as it is on a terminal. The one path text output takes. */
export function planForLog(plan: PlanView, options: MaskOptions, env: NodeJS.ProcessEnv = process.env): PlanView {
  return inSharedLog(env) ? maskPlan(plan, options) : plan;
}

/** Free text to print (apply results, refusals): sanitised in a shared log, as it is on a terminal. */
export function textForLog(text: string, options: MaskOptions, env: NodeJS.ProcessEnv = process.env): string {
  return inSharedLog(env) ? sanitizeText(text, options) : text;
}
