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

  it('reads 和暦 as Japanese lists write it, and refuses an era year that never was', () => {
    expect(normalizeDate('昭和60年4月3日')).toBe('1985-04-03');
    expect(normalizeDate('平成元年5月1日')).toBe('1989-05-01');
    expect(normalizeDate('S60.4.3')).toBe('1985-04-03');
    expect(normalizeDate('H2/5/6')).toBe('1990-05-06');
    expect(normalizeDate('R1-05-01')).toBe('2019-05-01');
    expect(normalizeDate('令和６年１２月１日')).toBe('2024-12-01');
    expect(normalizeDate('昭和64年1月7日')).toBe('1989-01-07');
    expect(normalizeDate('昭和70年1月1日')).toBe('昭和70年1月1日');
    expect(normalizeDate('平成0年1月1日')).toBe('平成0年1月1日');
  });

  it('takes an address split over several columns, and the headers of an Excel list with brackets', () => {
    const headers = ['会員番号', '氏名（姓）', '氏名（名）', 'フリガナ（セイ）', 'フリガナ（メイ）', '〒', '都道府県', '市区町村', '番地', '建物名', '自宅電話番号', '携帯電話番号', '備考1', '備考2'];
    const mapping = guessMapping(headers);
    expect(mapping).toEqual({
      会員番号: 'code',
      '氏名（姓）': 'lastName',
      '氏名（名）': 'firstName',
      'フリガナ（セイ）': 'lastNameKana',
      'フリガナ（メイ）': 'firstNameKana',
      '〒': 'postalCode',
      都道府県: 'address',
      市区町村: 'address',
      番地: 'address',
      建物名: 'address',
      自宅電話番号: 'tel',
      携帯電話番号: 'mobile',
      備考1: 'comment',
      備考2: 'comment',
    });
    const row = toImportRow(2, headers, ['10001', '山田', '花子', 'ヤマダ', 'ハナコ', '600001', '北海道', '札幌市北区', '北六条西2-1', 'サンハイツ101', '0111234567', '9012345678', '紹介: 田中様', '駐車場あり'], mapping);
    expect(row.ok && row.value.dto).toMatchObject({
      postalCode: '0600001',
      address: '北海道札幌市北区北六条西2-1 サンハイツ101',
      comment: '紹介: 田中様\n駐車場あり',
    });
    // An empty part leaves no gap or stray space.
    const sparse = toImportRow(3, headers, ['10002', '佐藤', '', '', '', '', '東京都', '', '千代田1-1', '', '', '', '', ''], mapping);
    expect(sparse.ok && sparse.value.dto.address).toBe('東京都千代田1-1');
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
