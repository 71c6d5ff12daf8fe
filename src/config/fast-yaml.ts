import { constructFromEvents, defineScalarTag, EVENT_ID, FAILSAFE_SCHEMA, getScalarValue, NOT_RESOLVED, parseEvents, SCALAR_STYLE } from 'js-yaml';
import type { Event } from 'js-yaml';
import { forbiddenReason } from './forbidden-keys.js';

/*
 * The fast path of reading a users file. `yaml` builds a tree with a source range on every node, which is
 * what diagnostics need and about three quarters of what loading an organisation cost (8.5 s of 11.4 s at
 * 100,000 people); js-yaml parses the same text ten times faster into an event list that keeps offsets.
 * So a file is read with js-yaml first, and only a file this path cannot vouch for, or that has any
 * problem at all, is read again the slow way (yaml-source.ts), which reports every diagnostic exactly as
 * before. This path therefore declines anything the slow path would refuse or might read differently:
 * several documents, directives (`%YAML 1.1` changes how yaml types scalars), anchors and aliases, tags,
 * a top level that is not a map, any key findForbiddenKeys would report (found here, in the walk over
 * the events, rather than in a second walk over the data). What it accepts it must read exactly as yaml
 * does: the scalar types below are yaml's YAML 1.2 core schema, rule for rule (yaml/dist/schema/core), tested side by side
 * against yaml in test/config/fast-yaml.test.ts.
 */

const nullTag = defineScalarTag('tag:yaml.org,2002:null', {
  implicit: true,
  implicitFirstChars: ['', '~', 'n', 'N'],
  resolve: (source) => (/^(?:~|[Nn]ull|NULL)?$/.test(source) ? null : NOT_RESOLVED),
  identify: (value) => value === null,
});

const boolTag = defineScalarTag('tag:yaml.org,2002:bool', {
  implicit: true,
  implicitFirstChars: ['t', 'T', 'f', 'F'],
  resolve: (source) => (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source) ? source[0] === 't' || source[0] === 'T' : NOT_RESOLVED),
  identify: (value) => typeof value === 'boolean',
});

/** yaml's intOct, int and intHex, in its order: `parseInt` of the digits in their radix. */
const intTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...'0123456789'],
  resolve: (source) => {
    if (/^0o[0-7]+$/.test(source)) return parseInt(source.substring(2), 8);
    if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
    if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.substring(2), 16);
    return NOT_RESOLVED;
  },
  identify: (value) => Number.isInteger(value),
});

/** yaml's floatNaN, floatExp and float, in its order. */
const floatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (source) => {
    if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
      return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return parseFloat(source);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
    return NOT_RESOLVED;
  },
  identify: (value) => typeof value === 'number',
});

const coreTags = [nullTag, boolTag, intTag, floatTag];

/** Answers of plainIsString: keys repeat (every person has an email, a firstName, ...), each costs four regular expressions. */
const plainKeys = new Map<string, boolean>();

/** Whether a plain scalar is a string in the core schema (not null, a boolean or a number). */
function plainIsString(text: string): boolean {
  let answer = plainKeys.get(text);
  if (answer === undefined) {
    answer = coreTags.every((tag) => tag.resolve(text, false, tag.tagName) === NOT_RESOLVED);
    // Only short keys: V8 keeps a longer substring as a view of the whole file's text (declared-strings.ts).
    if (text.length < 13) {
      if (plainKeys.size >= 10_000) plainKeys.clear();
      plainKeys.set(text, answer);
    }
  }
  return answer;
}

const yamlCoreSchema = FAILSAFE_SCHEMA.withTags(nullTag, boolTag, intTag, floatTag);

/** A file the fast path read: its data, and where each item of each top-level list starts. */
export interface FastRead {
  data: Record<string, unknown>;
  /** Line and column (1-based) of item `index` of the top-level list `section`; undefined when not a list item. */
  itemAt(section: string, index: number): { line: number; col: number } | undefined;
}

/** Nesting of the event walk: a collection's kind, how many children it has had, and its key when a top-level list. */
interface Open {
  kind: number;
  children: number;
  section?: string;
}

/**
 * `text` read with js-yaml, or undefined when this path declines it (see above) or js-yaml finds any
 * error: the caller then reads it with yaml, which says what is wrong and where.
 */
export function fastReadYaml(text: string): FastRead | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: 100 });
  } catch {
    return undefined;
  }
  let documents = 0;
  const starts = new Map<string, number[]>();
  const stack: Open[] = [];
  let rootKey: string | undefined;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || event.directives.length > 0) return undefined;
        stack.push({ kind: EVENT_ID.DOCUMENT, children: 0 });
        continue;
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.POP:
        stack.pop();
        continue;
    }
    if (event.anchorStart >= 0 || event.tagStart >= 0) return undefined;
    const parent = stack[stack.length - 1];
    if (!parent) return undefined;
    const start = event.type === EVENT_ID.SCALAR ? event.valueStart : event.start;
    if (stack.length === 1 && event.type !== EVENT_ID.MAPPING) return undefined;
    if (parent.kind === EVENT_ID.MAPPING && parent.children % 2 === 0) {
      // A key: yaml turns a key that is not a string into text its own way (null is ""), so only strings.
      if (event.type !== EVENT_ID.SCALAR) return undefined;
      const key = getScalarValue(text, event);
      if (event.style === SCALAR_STYLE.PLAIN && !plainIsString(key)) return undefined;
      // A forbidden key (a password, a date of birth) anywhere: the slow path says where, and why.
      if (forbiddenReason(key) !== undefined) return undefined;
      if (stack.length === 2) rootKey = key;
    } else if (parent.section !== undefined) {
      // An empty item has no start of its own; yaml places it after its dash.
      if (start < 0) return undefined;
      starts.get(parent.section)!.push(start);
    }
    parent.children++;
    if (event.type === EVENT_ID.SCALAR) continue;
    const open: Open = { kind: event.type, children: 0 };
    if (stack.length === 2 && event.type === EVENT_ID.SEQUENCE && rootKey !== undefined && parent.children % 2 === 0 && !starts.has(rootKey)) {
      open.section = rootKey;
      starts.set(rootKey, []);
    }
    stack.push(open);
  }
  if (documents !== 1) return undefined;
  let data: unknown;
  try {
    data = constructFromEvents(events, { source: text, schema: yamlCoreSchema, maxAliases: 0 })[0];
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const lines = lineStarts(text);
  return {
    data: data as Record<string, unknown>,
    itemAt(section, index) {
      const offset = starts.get(section)?.[index];
      return offset === undefined ? undefined : position(lines, offset);
    },
  };
}

/** Offsets where each line starts, as yaml's LineCounter records them (after every "\n"). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function position(lines: number[], offset: number): { line: number; col: number } {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lines[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, col: offset - lines[low] + 1 };
}
