/** Deterministic, realistic-looking Japanese customers for the search benchmark. */
const SURNAMES = [
  ['佐藤', 'サトウ'], ['鈴木', 'スズキ'], ['高橋', 'タカハシ'], ['田中', 'タナカ'], ['伊藤', 'イトウ'], ['渡辺', 'ワタナベ'],
  ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'], ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'],
  ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'], ['井上', 'イノウエ'], ['木村', 'キムラ'], ['林', 'ハヤシ'],
  ['斎藤', 'サイトウ'], ['清水', 'シミズ'], ['山崎', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'],
  ['阿部', 'アベ'], ['石川', 'イシカワ'], ['山下', 'ヤマシタ'], ['中島', 'ナカジマ'], ['石井', 'イシイ'], ['小川', 'オガワ'],
  ['前田', 'マエダ'], ['岡田', 'オカダ'], ['長谷川', 'ハセガワ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'], ['近藤', 'コンドウ'],
] as const;
const GIVEN = [
  ['太郎', 'タロウ'], ['花子', 'ハナコ'], ['健', 'ケン'], ['美咲', 'ミサキ'], ['大輔', 'ダイスケ'], ['さくら', 'サクラ'],
  ['翔', 'ショウ'], ['陽菜', 'ヒナ'], ['蓮', 'レン'], ['結衣', 'ユイ'], ['悠真', 'ユウマ'], ['葵', 'アオイ'],
  ['一郎', 'イチロウ'], ['直樹', 'ナオキ'], ['由美', 'ユミ'], ['和也', 'カズヤ'], ['恵', 'メグミ'], ['拓也', 'タクヤ'],
] as const;
const PLACES = [
  ['東京都千代田区丸の内', '東京本店'], ['東京都世田谷区三軒茶屋', '東京本店'], ['大阪府大阪市北区梅田', '大阪支店'],
  ['愛知県名古屋市中区栄', '名古屋支店'], ['福岡県福岡市博多区博多駅前', '福岡支店'], ['北海道札幌市中央区北一条西', '札幌営業所'],
  ['宮城県仙台市青葉区中央', '仙台営業所'], ['神奈川県横浜市西区みなとみらい', '横浜支店'], ['京都府京都市下京区四条通', '京都営業所'],
  ['広島県広島市中区紙屋町', '広島営業所'],
] as const;

/** A small linear congruential generator: the same 100,000 customers on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface SeedCustomer {
  code: string;
  lastName: string;
  firstName: string;
  lastNameKana: string;
  firstNameKana: string;
  email: string;
  tel: string | null;
  telDigits: string | null;
  mobile: string | null;
  mobileDigits: string | null;
  postalCode: string;
  address: string;
  branch: string;
  comment: string | null;
}

export function* seedCustomers(count: number): Generator<SeedCustomer> {
  const r = rng(20261123);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  for (let i = 0; i < count; i++) {
    const [ln, lk] = pick(SURNAMES);
    const [fn, fk] = pick(GIVEN);
    const [place, branch] = pick(PLACES);
    const mobile = r() < 0.8 ? `0${pick(['90', '80', '70'])}-${digits(4)}-${digits(4)}` : null;
    const tel = r() < 0.5 ? `0${digits(1) === '0' ? '3' : digits(1)}-${digits(4)}-${digits(4)}` : null;
    yield {
      code: String(100001 + i),
      lastName: ln,
      firstName: fn,
      lastNameKana: lk,
      firstNameKana: fk,
      email: `user${i}.${digits(3)}@example${i % 7}.jp`,
      tel,
      telDigits: tel?.replace(/\D/g, '') ?? null,
      mobile,
      mobileDigits: mobile?.replace(/\D/g, '') ?? null,
      postalCode: `${digits(3)}-${digits(4)}`,
      address: `${place}${1 + Math.floor(r() * 9)}-${1 + Math.floor(r() * 30)}-${1 + Math.floor(r() * 20)}`,
      branch,
      comment: r() < 0.1 ? pick(['来店予約あり', '見積依頼中', '紹介のお客様', 'DM不要', '土日のみ連絡可']) : null,
    };
  }
}
