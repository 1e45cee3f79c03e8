import { rawMail } from '../../test/support/mail-builder';

const SUBJECTS = ['見積のお願い', '納期について', '資料請求', '予約の変更', '請求書の再発行', 'ご来店のお礼', '修理のご相談', '①の件 ㈱山田工務店'];
const LINES = ['いつもお世話になっております。', '先日の件についてご連絡いたします。', 'お手数ですがご確認をお願いいたします。', '何卒よろしくお願い申し上げます。'];

/** Deterministic mixed mail: plain UTF-8, ISO-2022-JP, HTML alternative, and attachments. */
export function benchMessage(i: number, to: string, tag = 'bench'): Buffer {
  const subject = `${SUBJECTS[i % SUBJECTS.length]} #${i}`;
  const body = Array.from({ length: 3 + (i % 20) }, (_, k) => LINES[(i + k) % LINES.length]).join('\n');
  const kind = i % 10;
  const common = { from: `customer${i % 500}@example.jp`, fromName: `顧客 ${i % 500}`, to, subject, body, messageId: `${tag}-${i}@example.jp` };
  if (kind < 2) return rawMail({ ...common, charset: 'iso-2022-jp' });
  if (kind === 9) return rawMail({ ...common, attachment: { filename: `見積書-${i}.pdf`, contentType: 'application/pdf', content: Buffer.alloc(100 * 1024, i % 256) } });
  if (kind === 8) {
    const boundary = `alt-${i}`;
    const html = `<html><body><p>${body.replace(/\n/g, '<br>')}</p><script>alert(1)</script></body></html>`;
    return Buffer.from(
      [
        `From: customer${i % 500}@example.jp`,
        `To: ${to}`,
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
        `Message-ID: <${tag}-${i}@example.jp>`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/alternative; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(body).toString('base64'),
        `--${boundary}`,
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(html).toString('base64'),
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
  }
  return rawMail(common);
}
