import { fieldError, FieldProblem } from '@madoguchi/core';
import { RE2JS } from 're2js';

/**
 * Routing rules (振り分け設定), as pure functions: conditions matched all or any, actions applied
 * in rule order until a rule says stop. Evaluated once per new ticket (email or form), before
 * the ticket shows in the inbox.
 */
export const RULE_FIELDS = ['from', 'to', 'cc', 'subject', 'body', 'channel', 'hasAttachment'] as const;
export const RULE_OPS = ['contains', 'notContains', 'equals', 'startsWith', 'endsWith', 'regex'] as const;
export type RuleOp = (typeof RULE_OPS)[number];

export interface RuleCondition {
  /** One of RULE_FIELDS, or `form.<fieldKey>`. */
  field: string;
  op: RuleOp;
  value: string;
}

export type RuleAction =
  | { type: 'moveToFolder'; folderId: number }
  /** A label of the mailbox's catalogue (rules saved before the catalogue named it: the labels migration converted them). */
  | { type: 'addLabel'; labelId: number }
  | { type: 'assign'; userId?: number; groupId?: number }
  | { type: 'markSpam' }
  | { type: 'stop' };

export interface RuleDefinition {
  id: number;
  name: string;
  position: number;
  match: 'all' | 'any';
  conditions: RuleCondition[];
  actions: RuleAction[];
  active: boolean;
}

/** What a rule looks at: the first message of a new ticket. */
export interface RuleInput {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  channel: string;
  hasAttachment: boolean;
  form?: Record<string, string>;
}

export interface RuleOutcome {
  folderId: number | null;
  /** Catalogue labels to put on the ticket, in the order the rules added them. */
  labelIds: number[];
  assigneeId: number | null;
  assigneeGroupId: number | null;
  spam: boolean;
  /** The rules that matched, in order, with what each did. */
  applied: { ruleId: number; ruleName: string; position: number; actions: RuleAction[] }[];
}

/** Text a regex is run on is cut here, so a heavy pattern cannot hold intake up on a huge body. */
const REGEX_INPUT_LIMIT = 20_000;
export const REGEX_MAX_LENGTH = 500;

/** Why a condition cannot be saved, or null. A bad regex is refused when the rule is saved. */
export function conditionProblem(c: RuleCondition): string | null {
  return conditionCheck(c)?.message ?? null;
}

/** The same as a field problem with a stable code (INVALID_REGEX, UNKNOWN_OPERATOR, …) for the console. */
export function conditionCheck(c: RuleCondition): FieldProblem | null {
  const known = (RULE_FIELDS as readonly string[]).includes(c.field) || /^form\.[A-Za-z0-9_-]{1,50}$/.test(c.field);
  if (!known) return fieldError('UNKNOWN_RULE_FIELD', `unknown field "${c.field}": use one of ${RULE_FIELDS.join(', ')} or form.<fieldKey>`, { field: c.field });
  if (!(RULE_OPS as readonly string[]).includes(c.op)) return fieldError('UNKNOWN_OPERATOR', `unknown operator "${c.op}": use one of ${RULE_OPS.join(', ')}`, { op: c.op });
  if (c.op === 'regex') {
    if (c.value.length > REGEX_MAX_LENGTH) return fieldError('REGEX_TOO_LONG', `the regular expression is longer than ${REGEX_MAX_LENGTH} characters`, { max: REGEX_MAX_LENGTH });
    try {
      RE2JS.compile(c.value, RE2JS.CASE_INSENSITIVE);
    } catch (e) {
      // RE2 has no back-references or look-around: those are what let a pattern backtrack for ever.
      return fieldError('INVALID_REGEX', `invalid regular expression /${c.value}/: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`);
    }
  }
  if (c.field === 'hasAttachment' && !['true', 'false'].includes(c.value.trim().toLowerCase())) return fieldError('BOOLEAN_VALUE', 'hasAttachment compares with "true" or "false"');
  return null;
}

/**
 * Rule patterns come from users, so they run on RE2 (re2js), which matches in time linear in the
 * input: `^(a+)+$` on a long line of a's froze the process for 25 s on V8's backtracking engine.
 */
const compiled = new Map<string, RE2JS>();
function regex(pattern: string): RE2JS {
  let r = compiled.get(pattern);
  if (!r) {
    r = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    if (compiled.size > 2000) compiled.clear();
    compiled.set(pattern, r);
  }
  return r;
}

function values(input: RuleInput, field: string): string[] {
  switch (field) {
    case 'from':
      return [input.from];
    case 'to':
      return input.to;
    case 'cc':
      return input.cc;
    case 'subject':
      return [input.subject];
    case 'body':
      return [input.body];
    case 'channel':
      return [input.channel];
    case 'hasAttachment':
      return [String(input.hasAttachment)];
    default:
      return field.startsWith('form.') ? [input.form?.[field.slice(5)] ?? ''] : [''];
  }
}

/** Case-insensitive (for Latin letters; Japanese has no case); lists match when any item does. */
export function conditionMatches(c: RuleCondition, input: RuleInput): boolean {
  const vs = values(input, c.field);
  const needle = c.value.toLowerCase();
  const test = (raw: string): boolean => {
    const v = raw.toLowerCase();
    switch (c.op) {
      case 'contains':
        return v.includes(needle);
      case 'notContains':
        return !v.includes(needle);
      case 'equals':
        return v === needle;
      case 'startsWith':
        return v.startsWith(needle);
      case 'endsWith':
        return v.endsWith(needle);
      case 'regex':
        return regex(c.value).matcher(raw.slice(0, REGEX_INPUT_LIMIT)).find();
    }
  };
  // "Does not contain" over a list means no item contains it.
  if (c.op === 'notContains') return vs.every(test);
  return vs.some(test);
}

export function ruleMatches(rule: RuleDefinition, input: RuleInput): boolean {
  if (!rule.conditions.length) return true;
  return rule.match === 'all' ? rule.conditions.every((c) => conditionMatches(c, input)) : rule.conditions.some((c) => conditionMatches(c, input));
}

/** Applies the active rules in position order; a later folder move wins; `stop` ends processing. */
export function evaluateRules(rules: RuleDefinition[], input: RuleInput): RuleOutcome {
  const out: RuleOutcome = { folderId: null, labelIds: [], assigneeId: null, assigneeGroupId: null, spam: false, applied: [] };
  for (const rule of [...rules].sort((a, b) => a.position - b.position || a.id - b.id)) {
    if (!rule.active || !ruleMatches(rule, input)) continue;
    out.applied.push({ ruleId: rule.id, ruleName: rule.name, position: rule.position, actions: rule.actions });
    let stop = false;
    for (const a of rule.actions) {
      switch (a.type) {
        case 'moveToFolder':
          out.folderId = a.folderId;
          break;
        case 'addLabel':
          if (typeof a.labelId === 'number' && !out.labelIds.includes(a.labelId)) out.labelIds.push(a.labelId);
          break;
        case 'assign':
          if (a.userId) out.assigneeId = a.userId;
          if (a.groupId) out.assigneeGroupId = a.groupId;
          break;
        case 'markSpam':
          out.spam = true;
          break;
        case 'stop':
          stop = true;
          break;
      }
    }
    if (stop) break;
  }
  return out;
}
