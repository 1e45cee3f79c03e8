// `npm run send-test-mail [to] [subject]`: pushes a Japanese test mail into the running app's
// direct-delivery listener (MAIL_INTAKE_SMTP_PORT, 2525 on the embedded default).
import { createTransport } from 'nodemailer';

const [to = 'info@example.jp', subject = 'お問い合わせテスト ①㈱'] = process.argv.slice(2);
const port = Number(process.env.MAIL_INTAKE_SMTP_PORT ?? 2525);
const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
const info = await transport.sendMail({
  from: '山田 花子 <hanako.yamada@example.jp>',
  to,
  subject,
  text: 'お世話になっております。\n見積をお願いできますでしょうか。\n\n山田',
});
console.log(`Sent ${info.messageId} to ${to} via 127.0.0.1:${port}: ${info.response}`);
