import { readCsvCell } from '@madoguchi/core';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { CreateCustomerDto } from '../customer.dto';
import { parsePhone } from '../search/normalize';
import { ImportRowError } from './customer-import.entity';

/** The customer fields a CSV column can fill; `name`/`nameKana` are 氏名/フリガナ in one cell, split at the first space. */
export const IMPORT_FIELDS = [
  'code',
  'lastName',
  'firstName',
  'name',
  'lastNameKana',
  'firstNameKana',
  'nameKana',
  'companyName',
  'department',
  'email',
  'tel',
  'mobile',
  'postalCode',
  'address',
  'branch',
  'assignees',
  'registrationState',
  'listFlag',
  'comment',
  'birthday',
  'smsConsent',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Fields several columns may fill, joined in column order: an Excel list often splits the address
 * into 都道府県 / 市区町村 / 番地 / 建物名, or keeps notes in 備考1 / 備考2.
 */
export const MULTI_COLUMN_FIELDS: readonly ImportField[] = ['address', 'comment'];

/** Header names people use for each field, folded by foldHeader (our own export's names included). */
const SYNONYMS: Record<ImportField, string[]> = {
  code: [
    '顧客コード',
    '会員コード',
    '会員番号',
    '顧客番号',
    '顧客id',
    '会員id',
    'コード',
    'code',
    'customercode',
    'customerid',
    'memberno',
    'id',
  ],
  lastName: ['姓', '氏', '苗字', '名字', '氏名姓', 'お名前姓', '名前姓', '姓漢字', 'lastname', 'familyname', 'surname'],
  firstName: ['名', '名前', '氏名名', 'お名前名', '名前名', '名漢字', 'firstname', 'givenname'],
  name: ['氏名', '顧客名', '会員名', 'お名前', 'fullname', 'name'],
  lastNameKana: [
    'セイ',
    'せい',
    '姓カナ',
    '姓かな',
    '姓フリガナ',
    'フリガナ姓',
    'ふりがな姓',
    'フリガナセイ',
    'ふりがなせい',
    'カナセイ',
    'セイカナ',
    'lastnamekana',
  ],
  firstNameKana: [
    'メイ',
    'めい',
    '名カナ',
    '名かな',
    '名フリガナ',
    'フリガナ名',
    'ふりがな名',
    'フリガナメイ',
    'ふりがなめい',
    'カナメイ',
    'メイカナ',
    'firstnamekana',
  ],
  nameKana: ['フリガナ', 'ふりがな', 'カナ', 'かな', '氏名カナ', '氏名フリガナ', 'kana', 'namekana'],
  companyName: [
    '会社名',
    '会社',
    '企業名',
    '法人名',
    '勤務先',
    '社名',
    'company',
    'companyname',
    'organization',
    'organisation',
  ],
  department: ['部署', '部署名', '所属', '部門', 'department', 'division'],
  email: [
    'メールアドレス',
    'メール',
    'eメール',
    'mail',
    'email',
    'emailaddress',
    'pcメール',
    'pcメールアドレス',
    'メールアドレスpc',
    'メールアドレス1',
    'email1',
  ],
  tel: ['電話番号', '電話', 'tel', '固定電話', '自宅電話', '自宅電話番号', '自宅tel', '電話番号1', 'tel1', 'phone', 'telephone'],
  mobile: ['携帯', '携帯電話', '携帯番号', '携帯電話番号', '携帯tel', '電話番号2', 'tel2', 'mobile', 'mobilephone', 'cell', 'cellphone'],
  postalCode: ['郵便番号', '〒', '〒番号', 'zip', 'zipcode', 'postalcode', 'postcode'],
  address: [
    '住所',
    '所在地',
    '住所1',
    '住所2',
    '住所3',
    '都道府県',
    '市区町村',
    '市区郡',
    '町域',
    '町名',
    '番地',
    '町名番地',
    '建物名',
    '建物',
    'マンション名',
    'ビル名',
    'address',
    'address1',
    'address2',
  ],
  branch: ['支店', '店舗', '支店名', '店舗名', 'branch', 'store', 'shop'],
  assignees: ['担当', '担当者', '担当スタッフ', 'スタッフ', 'assignee', 'assignees', 'staff'],
  registrationState: ['登録状態', '登録区分', 'registrationstate'],
  listFlag: ['リスト区分', 'リスト', 'listflag'],
  comment: ['コメント', '備考', '備考1', '備考2', 'メモ', '店舗コメント', 'comment', 'note', 'notes', 'memo'],
  birthday: ['生年月日', '誕生日', 'birthday', 'birthdate', 'dateofbirth', 'dob'],
  smsConsent: ['sms配信同意', 'sms同意', 'smsconsent'],
};

/** A header as compared: NFKC, lower case, no spaces, brackets or punctuation. */
export function foldHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-・:：()（）［］\[\]「」"'.]/g, '');
}

const BY_HEADER = new Map<string, ImportField>();
for (const [field, names] of Object.entries(SYNONYMS) as [ImportField, string[]][])
  for (const n of names) BY_HEADER.set(foldHeader(n), field);

/** The field each header most likely means, each field taken once (the first column wins) but the multi-column ones. */
export function guessMapping(headers: string[]): Record<string, ImportField> {
  const mapping: Record<string, ImportField> = {};
  const taken = new Set<ImportField>();
  for (const h of headers) {
    const field = BY_HEADER.get(foldHeader(h));
    if (field && (!taken.has(field) || MULTI_COLUMN_FIELDS.includes(field)) && !Object.hasOwn(mapping, h)) {
      mapping[h] = field;
      taken.add(field);
    }
  }
  return mapping;
}

const REGISTRATION: Record<string, string> = {
  仮登録: 'provisional',
  本登録: 'registered',
  provisional: 'provisional',
  registered: 'registered',
};
const LIST_FLAG: Record<string, string> = {
  通常: 'normal',
  normal: 'normal',
  グレー: 'grey',
  グレーリスト: 'grey',
  grey: 'grey',
  gray: 'grey',
  ブラック: 'black',
  ブラックリスト: 'black',
  black: 'black',
};
const YES = new Set(['1', 'true', 'yes', 'y', '同意', '同意する', 'あり', '有', 'はい', '○', '◯']);
const NO = new Set(['0', 'false', 'no', 'n', '', 'なし', '無', 'いいえ', '×', '不同意', '拒否']);

/** The first year of each Japanese era (和暦), by name and by its initial as Excel writes it (S60.4.3). */
const ERAS: Record<string, number> = {
  明治: 1868,
  m: 1868,
  大正: 1912,
  t: 1912,
  昭和: 1926,
  s: 1926,
  平成: 1989,
  h: 1989,
  令和: 2019,
  r: 2019,
};

/**
 * 2001/2/3, 2001-02-03, 2001年2月3日, 2001.2.3 and 20010203 as 2001-02-03, and 和暦 as written in
 * Japanese lists (昭和60年4月3日, 平成元年5月1日, S60.4.3, H2/5/6, R1-05-01); anything else is left
 * for the DTO to refuse (so is an era year past the era's end, such as 昭和70年).
 */
export function normalizeDate(s: string): string {
  const t = s.normalize('NFKC').trim();
  const m =
    /^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?(?:\s+0{1,2}:0{2}(?::0{2})?)?$/.exec(t) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const era = /^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\s?(\d{1,2}|元)[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$/.exec(t);
  if (era) {
    const start = ERAS[era[1].toLowerCase()];
    const year = start + (era[2] === '元' ? 1 : Number(era[2])) - 1;
    const next = Object.values(ERAS).filter((y) => y > start).sort((a, b) => a - b)[0];
    // An era year that never was (昭和70年) stays as written and is refused.
    if (era[2] !== '0' && (next === undefined || year <= next))
      return `${year}-${era[3].padStart(2, '0')}-${era[4].padStart(2, '0')}`;
  }
  return t;
}

/** Joins the parts of a field several columns fill: 東京都 + 千代田区 + 千代田1-1 + グランドメゾン305 → 「東京都千代田区千代田1-1 グランドメゾン305」. */
function joinParts(field: ImportField, previous: string, part: string): string {
  const p = part.trim();
  if (!p) return previous;
  if (!previous) return p;
  if (field === 'comment') return `${previous}\n${p}`;
  // An address reads on without spaces, but a building after a house number gets one.
  return /(?:[\d０-９\-－‐]|番地|号)$/.test(previous) ? `${previous} ${p}` : `${previous}${p}`;
}

/** One row's values ready for the customer service: the fields of CreateCustomerDto plus the 担当 names. */
export interface ImportRow {
  row: number;
  dto: CreateCustomerDto;
  /** Which CSV column each field came from (for error messages). */
  columns: Partial<Record<string, string>>;
  assigneeNames: string[] | null;
}

/** class-validator's constraint names as our stable per-row codes. */
function problemCode(field: string, constraint: string): string {
  if (field === 'lastName') return constraint === 'maxLength' ? 'TOO_LONG' : 'REQUIRED';
  if (constraint === 'maxLength') return 'TOO_LONG';
  if (constraint === 'isEmail') return 'INVALID_EMAIL';
  if (field === 'birthday') return 'INVALID_DATE';
  if (field === 'postalCode') return 'INVALID_POSTAL_CODE';
  if (field === 'lastNameKana' || field === 'firstNameKana') return 'INVALID_KANA';
  if (field === 'code') return 'INVALID_CODE';
  return 'INVALID';
}

/**
 * The cells of one record as a customer, validated by the very rules of creating one by hand
 * (CreateCustomerDto through class-validator, then the phone check the service applies), so an
 * import can never store what the form would refuse. Returns the row or its problems.
 */
export function toImportRow(
  row: number,
  headers: string[],
  cells: string[],
  mapping: Record<string, ImportField>,
): { ok: true; value: ImportRow } | { ok: false; errors: ImportRowError[] } {
  const plain: Record<string, unknown> = {};
  const columns: Record<string, string> = {};
  const errors: ImportRowError[] = [];
  let assigneeNames: string[] | null = null;
  const fail = (field: string, code: string, message: string) =>
    errors.push({ row, column: columns[field] ?? field, field, code, message });
  headers.forEach((header, i) => {
    // Own keys only: a header called "constructor" or "__proto__" maps to nothing unless mapped.
    const field = Object.hasOwn(mapping, header) ? mapping[header] : undefined;
    if (!field) return;
    // A cell our own export escaped ('=…) reads back as what was stored; any other text stays as it is, formulas included.
    const value = readCsvCell(cells[i] ?? '');
    const set = (f: string, v: unknown) => {
      plain[f] = v;
      columns[f] = header;
    };
    switch (field) {
      case 'name':
      case 'nameKana': {
        const [last, ...rest] = value.trim().split(/[\s\u3000]+/);
        const kana = field === 'nameKana';
        if (last) set(kana ? 'lastNameKana' : 'lastName', last);
        if (rest.length) set(kana ? 'firstNameKana' : 'firstName', rest.join(' '));
        if (!last && !kana) columns.lastName = header;
        break;
      }
      case 'assignees':
        columns.assigneeIds = header;
        assigneeNames = value
          .split(/[\/／,、]/)
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case 'registrationState':
        if (value.trim()) set(field, REGISTRATION[value.trim().toLowerCase()] ?? value.trim());
        break;
      case 'listFlag':
        if (value.trim()) set(field, LIST_FLAG[value.trim().toLowerCase()] ?? value.trim());
        break;
      case 'smsConsent': {
        const v = value.normalize('NFKC').trim().toLowerCase();
        columns.smsConsent = header;
        if (YES.has(v)) plain.smsConsent = true;
        else if (NO.has(v)) plain.smsConsent = false;
        else
          fail('smsConsent', 'INVALID', `smsConsent must be 同意 / 1 or empty, not "${value.slice(0, 20)}"`);
        break;
      }
      case 'birthday':
        set(field, value.trim() ? normalizeDate(value) : '');
        break;
      case 'code':
        set(field, value.normalize('NFKC').trim());
        break;
      case 'postalCode': {
        // Excel drops the leading 0 of a code kept as a number (060-0001 → 600001).
        const digits = value.normalize('NFKC').trim();
        set(field, /^\d{6}$/.test(digits) ? `0${digits}` : value);
        break;
      }
      case 'address':
      case 'comment':
        set(field, joinParts(field, typeof plain[field] === 'string' ? (plain[field] as string) : '', value));
        break;
      default:
        set(field, value);
    }
  });
  if (plain.lastName === undefined) plain.lastName = '';
  const dto = plainToInstance(CreateCustomerDto, plain);
  const flat = (es: ValidationError[]): ValidationError[] =>
    es.flatMap((e) => [e, ...flat(e.children ?? [])]);
  for (const e of flat(validateSync(dto, { whitelist: true, forbidUnknownValues: false }))) {
    const constraints = Object.entries(e.constraints ?? {});
    // One problem per field: the first constraint class-validator reports is the most basic one.
    if (constraints.length)
      fail(
        e.property,
        problemCode(e.property, constraints[constraints.length - 1][0]),
        constraints[constraints.length - 1][1],
      );
  }
  for (const field of ['tel', 'mobile'] as const) {
    const v = dto[field];
    if (typeof v === 'string' && v && !errors.some((x) => x.field === field) && !parsePhone(v))
      fail(field, 'INVALID_PHONE', `${field} is not a valid phone number (e.g. 090-1234-5678)`);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { row, dto, columns, assigneeNames } };
}
