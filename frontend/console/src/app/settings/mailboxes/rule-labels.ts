import type { CustomerLinkField, RuleActionType, RuleField, RuleOp } from '../../api/automation-api';
import type { MessageKey } from '../../i18n/ja';

/** The rule editor's field choices: the message fields, and `form` for a `form.<key>` field. */
export type FieldChoice = RuleField | 'form';

export const FIELD_LABELS: Record<FieldChoice, MessageKey> = {
  from: 'automation.field.from',
  to: 'automation.field.to',
  cc: 'automation.field.cc',
  subject: 'automation.field.subject',
  body: 'automation.field.body',
  channel: 'automation.field.channel',
  hasAttachment: 'automation.field.hasAttachment',
  form: 'automation.field.form',
};

export const OP_LABELS: Record<RuleOp, MessageKey> = {
  contains: 'automation.op.contains',
  notContains: 'automation.op.notContains',
  equals: 'automation.op.equals',
  startsWith: 'automation.op.startsWith',
  endsWith: 'automation.op.endsWith',
  regex: 'automation.op.regex',
};

export const ACTION_LABELS: Record<RuleActionType, MessageKey> = {
  moveToFolder: 'automation.action.moveToFolder',
  addLabel: 'automation.action.addLabel',
  assign: 'automation.action.assign',
  markSpam: 'automation.action.markSpam',
  stop: 'automation.action.stop',
};

export const CUSTOMER_FIELD_LABELS: Record<CustomerLinkField, MessageKey> = {
  lastName: 'customer.lastName',
  firstName: 'customer.firstName',
  lastNameKana: 'customer.lastNameKana',
  firstNameKana: 'customer.firstNameKana',
  email: 'customer.email',
  tel: 'customer.tel',
  mobile: 'customer.mobile',
  postalCode: 'customer.postalCode',
  address: 'customer.address',
  comment: 'customer.comment',
};

/** Form field keys as the server takes them (`form.<key>` in rules, keys of the customer link map). */
export const FORM_KEY_PATTERN = /^[A-Za-z0-9_-]{1,50}$/;
