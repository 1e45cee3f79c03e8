/** A few customers, so a newcomer's first search finds something (§8: the embedded default ships demo data). */
export const DEMO_CUSTOMERS = [
  { lastName: '田中', firstName: '太郎', lastNameKana: 'タナカ', firstNameKana: 'タロウ', email: 'taro.tanaka@example.jp', tel: '03-1234-5678', mobile: '090-1234-5678', postalCode: '100-0001', address: '東京都千代田区千代田1-1', branch: '東京本店' },
  { lastName: '山田', firstName: '花子', lastNameKana: 'ヤマダ', firstNameKana: 'ハナコ', email: 'hanako.yamada@example.jp', tel: '06-6123-4567', mobile: '080-2345-6789', postalCode: '530-0001', address: '大阪府大阪市北区梅田2-2-2', branch: '大阪支店' },
  { lastName: '佐藤', firstName: '健', lastNameKana: 'サトウ', firstNameKana: 'ケン', email: 'ken.sato@example.jp', mobile: '070-3456-7890', postalCode: '460-0008', address: '愛知県名古屋市中区栄3-3', branch: '名古屋支店' },
  { lastName: '鈴木', firstName: '一郎', lastNameKana: 'スズキ', firstNameKana: 'イチロウ', email: 'ichiro.suzuki@example.jp', tel: '045-123-4567', postalCode: '220-0011', address: '神奈川県横浜市西区高島4-4', branch: '東京本店' },
  { lastName: '高橋', firstName: '美咲', lastNameKana: 'タカハシ', firstNameKana: 'ミサキ', email: 'misaki.takahashi@example.jp', mobile: '090-8765-4321', postalCode: '812-0011', address: '福岡県福岡市博多区博多駅前5-5', branch: '福岡支店' },
  { lastName: '中田', firstName: '翔', lastNameKana: 'ナカタ', firstNameKana: 'ショウ', email: 'sho.nakata@example.jp', tel: '011-234-5678', postalCode: '060-0001', address: '北海道札幌市中央区北一条西6-6', branch: '札幌営業所' },
  { lastName: '伊藤', firstName: 'さくら', lastNameKana: 'イトウ', firstNameKana: 'サクラ', email: 'sakura.ito@example.jp', mobile: '080-1111-2222', postalCode: '980-0021', address: '宮城県仙台市青葉区中央7-7', branch: '仙台営業所', registrationState: 'provisional' as const },
  { lastName: '渡辺', firstName: '大輔', lastNameKana: 'ワタナベ', firstNameKana: 'ダイスケ', email: 'daisuke.watanabe@example.jp', tel: '052-111-2222', mobile: '090-3333-4444', postalCode: '450-0002', address: '愛知県名古屋市中村区名駅8-8', branch: '名古屋支店', listFlag: 'grey' as const },
];

/** SMS templates (雛形) a newcomer can send to the demo customers at once (locally captured). */
export const DEMO_SMS_TEMPLATES = [
  { name: '来店のお礼', subject: '来店お礼', body: '[[%氏名%]]様\n本日はご来店ありがとうございました。ご不明な点は[[%会社名%]] [[%担当者%]]までお気軽にご連絡ください。', usedForOnlineMeeting: false },
  { name: 'ご予約の確認', subject: '予約確認', body: '[[%氏名%]]様\nご予約ありがとうございます。当日のご来店をお待ちしております。変更のご希望はこのSMSへの返信でお知らせください。[[%会社名%]]', usedForOnlineMeeting: false },
  { name: 'オンライン商談のご案内', subject: 'オンライン商談', body: '[[%氏名%]]様\nオンライン商談のURLです。\n[[%オンライン接客URL%]]\nミーティングID: [[%ミーティングID%]]\nパスワード: [[%ミーティングパスワード%]]', usedForOnlineMeeting: true },
];
