import type { Customer } from '../customer.entity';

/** The three 通知メール: to the business on registration, to the customer on registration and on withdrawal. */
export const MEMBER_NOTIFICATION_TEMPLATES = [
  'adminOnRegister',
  'customerOnRegister',
  'customerOnWithdraw',
] as const;
export type MemberNotificationTemplate = (typeof MEMBER_NOTIFICATION_TEMPLATES)[number];

/** The placeholders each template knows; anything else in braces is refused on save. */
export const MEMBER_NOTIFICATION_PLACEHOLDERS: Record<MemberNotificationTemplate, readonly string[]> = {
  adminOnRegister: ['time', 'name', 'contents'],
  customerOnRegister: ['time', 'name'],
  customerOnWithdraw: ['name'],
};

export interface MemberNotificationText {
  enabled: boolean;
  subject: string;
  body: string;
}

export interface MemberNotificationSettings {
  adminOnRegister: MemberNotificationText & { recipients: string[] };
  customerOnRegister: MemberNotificationText;
  customerOnWithdraw: MemberNotificationText;
}

export const MAX_RECIPIENTS = 5;

/**
 * Japanese defaults, all off: the business mail has no recipients yet, and an installation that
 * upgrades must not start mailing its customers on every sign-up and form before someone has
 * read the wording and switched them on.
 */
export function defaultMemberNotifications(): MemberNotificationSettings {
  return {
    adminOnRegister: {
      enabled: false,
      recipients: [],
      subject: '【会員登録通知】{name} 様が登録されました',
      body: '新しい会員が登録されました。\n\n登録日時: {time}\nお名前: {name} 様\n\n登録内容:\n{contents}\n\n顧客管理画面でご確認ください。',
    },
    customerOnRegister: {
      enabled: false,
      subject: '会員登録ありがとうございます',
      body: '{name} 様\n\nこのたびは会員登録いただき、誠にありがとうございます。\n{time} にご登録を承りました。\n\n今後ともよろしくお願いいたします。',
    },
    customerOnWithdraw: {
      enabled: false,
      subject: '退会手続き完了のお知らせ',
      body: '{name} 様\n\n退会の手続きが完了しました。\nこれまでのご利用、誠にありがとうございました。\n\nまたのご利用を心よりお待ちしております。',
    },
  };
}

/** `{name}` style tokens in a text, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{([^{}\n]*)\}/g)].map((m) => m[1]);
}

/** The tokens of a text its template does not know, each once. */
export function unknownPlaceholders(template: MemberNotificationTemplate, text: string): string[] {
  const known = MEMBER_NOTIFICATION_PLACEHOLDERS[template];
  return [...new Set(placeholdersIn(text).filter((p) => !known.includes(p)))];
}

/** The registered fields with a value, with their Japanese labels, in the karte's order. */
const CONTENT_FIELDS: [keyof Customer | string, string][] = [
  ['code', '顧客コード'],
  ['lastName', '姓'],
  ['firstName', '名'],
  ['lastNameKana', 'セイ'],
  ['firstNameKana', 'メイ'],
  ['companyName', '会社名'],
  ['company', '会社名'],
  ['department', '部署'],
  ['email', 'メールアドレス'],
  ['tel', '電話番号'],
  ['mobile', '携帯電話番号'],
  ['postalCode', '郵便番号'],
  ['prefecture', '都道府県'],
  ['city', '市区町村'],
  ['town', '町域'],
  ['address', '住所'],
  ['branch', '支店'],
  ['birthday', '生年月日'],
  ['comment', '備考'],
];

/** `{contents}`: one 「姓: 山田」 line per registered field that has a value. */
export function customerContents(c: Customer): string {
  const row = c as unknown as Record<string, unknown>;
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const [field, label] of CONTENT_FIELDS) {
    const v = row[field as string];
    if (v === null || v === undefined || v === '' || seen.has(label)) continue;
    seen.add(label);
    lines.push(`${label}: ${String(v).replace(/\r?\n/g, ' ')}`);
  }
  return lines.join('\n');
}

export function customerName(c: Customer): string {
  return [c.lastName, c.firstName].filter((p) => p && p.trim()).join(' ');
}

/** A date and time as the business reads it: 2026/12/04 14:05 in its time zone. */
export function formatTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('ja-JP', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}/${get('month')}/${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Fills the known placeholders; single pass, so a value containing `{name}` is not filled again. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{([^{}\n]*)\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? values[key] : whole,
  );
}
