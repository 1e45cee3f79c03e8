import { guessDelimiter } from './import-csv';
import { guessMapping, normalizeDate, toImportRow } from './import-fields';

describe('CSV import fields', () => {
  it('guesses fields from Japanese, English and full-width headers, each field once', () => {
    expect(guessMapping(['顧客コード', '姓', '名', 'セイ', 'メイ', '電話番号', 'ＴＥＬ', '携帯', 'E-Mail', '郵便番号', '住所', '支店', '担当', '生年月日', '何か'])).toEqual({
      顧客コード: 'code',
      姓: 'lastName',
      名: 'firstName',
      セイ: 'lastNameKana',
      メイ: 'firstNameKana',
      電話番号: 'tel',
      携帯: 'mobile',
      'E-Mail': 'email',
      郵便番号: 'postalCode',
      住所: 'address',
      支店: 'branch',
      担当: 'assignees',
      生年月日: 'birthday',
    });
  });

  it('reads the dates people write and leaves anything else for the DTO to refuse', () => {
    expect(normalizeDate('1980/4/1')).toBe('1980-04-01');
    expect(normalizeDate('１９８０年４月１日')).toBe('1980-04-01');
    expect(normalizeDate('19800401')).toBe('1980-04-01');
    expect(normalizeDate('1980/04/01 0:00')).toBe('1980-04-01');
    expect(normalizeDate('昭和55年')).toBe('昭和55年');
  });

  it('validates a row by the customer form rules, naming the CSV column', () => {
    const headers = ['氏名', 'メール', '誕生日', '携帯'];
    const mapping = { 氏名: 'name', メール: 'email', 誕生日: 'birthday', 携帯: 'mobile' } as const;
    const ok = toImportRow(2, headers, ['山田　花子', 'Hanako@Example.jp', '1990/2/28', '090-1234-5678'], mapping);
    expect(ok.ok && ok.value.dto).toMatchObject({ lastName: '山田', firstName: '花子', email: 'Hanako@Example.jp', birthday: '1990-02-28' });
    const bad = toImportRow(3, headers, ['', 'x@', '1990/2/30', '12'], mapping);
    expect(bad.ok ? [] : bad.errors.map((e) => [e.row, e.column, e.code]).sort()).toEqual([
      [3, 'メール', 'INVALID_EMAIL'],
      [3, '携帯', 'INVALID_PHONE'],
      [3, '氏名', 'REQUIRED'],
      [3, '誕生日', 'INVALID_DATE'],
    ]);
  });

  it('takes the delimiter the header line has more of, outside quotes', () => {
    expect(guessDelimiter('a,b,c\r\n1\t2')).toBe(',');
    expect(guessDelimiter('a\tb\t"c,d,e"\n')).toBe('\t');
  });
});
