/**
 * Every text of the customer portal (Japanese only: its customers are Japanese businesses'
 * customers). Server errors are worded here by their stable code (`error.<CODE>`) and field
 * problems by `fieldError.<CODE>`; the server's English sentence is never shown.
 */
export const ja = {
  'app.name': 'お客様マイページ',
  'app.skip': '本文へ移動',

  'nav.threads': 'メッセージ',
  'nav.account': 'アカウント',
  'nav.main': 'マイページのメニュー',

  'login.title': 'ログイン',
  'login.email': 'メールアドレス',
  'login.password': 'パスワード',
  'login.submit': 'ログイン',
  'login.forgot': 'パスワードをお忘れの方',
  'login.signup': 'はじめての方（新規登録）',
  'login.signedOut': 'ログアウトしました。',
  'login.passwordSet': 'パスワードを設定しました。ログインしてください。',

  'signup.title': '新規登録',
  'signup.lead': 'メールアドレスを入力してください。パスワードを設定するためのリンクをお送りします。',
  'signup.email': 'メールアドレス',
  'signup.name': 'お名前（任意）',
  'signup.submit': '確認メールを送る',
  'signup.sentTitle': 'メールをご確認ください',
  'signup.sent':
    '{email} 宛てに確認メールをお送りしました。メールのリンクを開いてパスワードを設定すると登録が完了します（有効期限 24 時間）。\nメールが届かない場合は、迷惑メールフォルダもご確認ください。',
  'signup.back': 'ログイン画面へ戻る',

  'reset.title': 'パスワードの再設定',
  'reset.lead':
    'ご登録のメールアドレスを入力してください。パスワードを再設定するためのリンクをお送りします。',
  'reset.email': 'メールアドレス',
  'reset.submit': '再設定メールを送る',
  'reset.sentTitle': 'メールをご確認ください',
  'reset.sent':
    '{email} がご登録のアドレスであれば、パスワード再設定のリンクをお送りしました（有効期限 1 時間）。\nメールが届かない場合は、迷惑メールフォルダもご確認ください。',

  'setPassword.title': 'パスワードの設定',
  'setPassword.lead': '新しいパスワードを入力してください（10文字以上）。',
  'setPassword.password': '新しいパスワード',
  'setPassword.confirm': '新しいパスワード（確認）',
  'setPassword.submit': 'パスワードを設定する',
  'setPassword.noToken':
    'リンクが正しくありません。メールのリンクをもう一度開くか、新しいリンクをお求めください。',
  'setPassword.newLink': '新しいリンクを送る',

  'threads.title': 'メッセージ',
  'threads.new': '新しいメッセージを作成',
  'threads.empty': 'メッセージはまだありません。',
  'threads.newMark': 'NEW',
  'threads.newMarkLabel': '未読の返信があります',
  'threads.lastPost': '最新投稿',

  'thread.back': 'メッセージ一覧へ戻る',
  'thread.posts': '投稿',
  'thread.empty': 'まだ投稿はありません。',
  'thread.you': 'あなた',
  'thread.staff': '担当者',
  'thread.download': 'ダウンロード',
  'thread.imageAlt': '投稿された画像: {name}',

  'post.label': 'メッセージを入力',
  'post.counter': '{count} / {max} 文字',
  'post.file': '画像・ファイルを添付（10MBまで）',
  'post.fileChosen': '添付: {name}（{size}）',
  'post.removeFile': '添付を取り消す',
  'post.submit': '送信',
  'post.sending': '送信中…',
  'post.hint': '文章、または画像・ファイル1つのどちらかを送れます。',
  'post.sent': '送信しました。',
  'post.empty': 'メッセージを入力するか、ファイルを選んでください。',
  'post.tooLong': '{max}文字以内で入力してください（いま {count} 文字）。',
  'post.fileTooLarge': 'ファイルが大きすぎます。10MBまでのファイルを選んでください。',
  'post.fileEmpty': '空のファイルは送れません。',
  'post.both': '文章とファイルは別々に送ってください。',

  'newThread.title': '新しいメッセージ',
  'newThread.subject': '件名',
  'newThread.text': 'メッセージ',
  'newThread.submit': '送信する',
  'newThread.notAllowed': '現在、マイページから新しいメッセージを作成することはできません。',

  'account.title': 'アカウント',
  'account.signedInAs': 'ログイン中: {name}（{email}）',
  'account.password': 'パスワードの変更',
  'account.currentPassword': '現在のパスワード',
  'account.newPassword': '新しいパスワード（10文字以上）',
  'account.confirmPassword': '新しいパスワード（確認）',
  'account.changePassword': 'パスワードを変更する',
  'account.passwordChanged': 'パスワードを変更しました。',
  'account.withdrawal': '退会の申請',
  'account.withdrawalLead': '退会をご希望の場合は申請してください。担当者が確認のうえ手続きいたします。',
  'account.withdrawalReason': '退会の理由（任意）',
  'account.withdrawalConfirm': '退会を申請することを確認しました',
  'account.requestWithdrawal': '退会を申請する',
  'account.withdrawalRequested': '退会の申請を受け付けました。担当者からのご連絡をお待ちください。',
  'account.signOut': 'ログアウト',

  'validation.required': '入力してください',
  'validation.email': 'メールアドレスの形式が正しくありません',
  'validation.passwordMin': '10文字以上にしてください',
  'validation.mismatch': '確認用のパスワードが一致しません',
  'validation.maxLength': '{max}文字以内で入力してください',

  'error.UNAUTHENTICATED': 'メールアドレスまたはパスワードが正しくありません。',
  'error.SESSION_ENDED': 'ログインの有効期限が切れました。もう一度ログインしてください。',
  'error.TOO_MANY_ATTEMPTS': 'ログインの試行回数が多すぎます。約{minutes}分後に再度お試しください。',
  'error.PORTAL_MAIL_LIMIT': 'メールの送信依頼が多すぎます。しばらくしてから再度お試しください。',
  'error.PORTAL_TOKEN_INVALID':
    'このリンクは無効か、有効期限が切れています。お手数ですが新しいリンクをお求めください。',
  'error.VALIDATION_FAILED': '入力内容を確認してください。',
  'error.XSRF_TOKEN_INVALID': '画面の有効期限が切れました。ページを再読み込みしてください。',
  'error.PORTAL_PASSWORD_WRONG': '現在のパスワードが違います。',
  'error.PAYLOAD_TOO_LARGE': '送信内容が大きすぎます。',
  'error.UPLOAD_QUOTA_EXCEEDED': 'アップロードできる上限に達しました。しばらくしてから再度お試しください。',
  'error.MYPAGE_POST_ONE_CONTENT': '文章、または画像・ファイル1つのどちらかを送ってください。',
  'error.MYPAGE_TEXT_TOO_LONG': '{max}文字以内で入力してください。',
  'error.MYPAGE_FILE_TOO_LARGE': 'ファイルが大きすぎます。10MBまでのファイルを選んでください。',
  'error.MYPAGE_NOT_AN_IMAGE':
    '画像として送れるのは JPEG・PNG・GIF のファイルだけです。このファイルの中身はそのどれでもありません。',
  'error.MYPAGE_FILE_TYPE_REFUSED':
    'この種類のファイルは送れません（プログラムや、中身が種類と一致しないファイル）。',
  'error.MYPAGE_FILE_EMPTY': '空のファイルは送れません。',
  'error.MYPAGE_NO_MAILBOX':
    'ただいまメッセージを受け付けられません。恐れ入りますが、お電話などでお問い合わせください。',
  'error.MYPAGE_THREAD_START_OFF': '現在、マイページから新しいメッセージを作成することはできません。',
  'error.MYPAGE_THREAD_NOT_FOUND': 'このメッセージは見つかりません。',

  'errors.network': 'サーバーに接続できません。通信環境をご確認ください。',
  'errors.notFound': '見つかりません。',
  'errors.tooMany': 'しばらくしてから再度お試しください。',
  'errors.server': 'サーバーでエラーが発生しました。しばらくしてから再度お試しください。',
  'errors.unexpected': '処理できませんでした。入力内容をご確認ください。',
  'errors.forbidden': 'この操作はできません。',

  'fieldError.REQUIRED': '入力してください',
  'fieldError.INVALID': '入力内容が正しくありません',
  'fieldError.MAX_LENGTH': '{max}文字以内で入力してください',
  'fieldError.MIN_LENGTH': '{min}文字以上で入力してください',
  'fieldError.EMAIL': 'メールアドレスの形式が正しくありません',
  'fieldError.UNKNOWN_FIELD': 'この項目は受け付けられません',
  'fieldError.PORTAL_PASSWORD_WRONG': '現在のパスワードが違います',
  'fieldError.PASSWORD_UNCHANGED': '現在のパスワードとは違うものにしてください',
  'fieldError.PASSWORD_TOO_SHORT': '{min}文字以上にしてください',
  'fieldError.PASSWORD_TOO_LONG': '{max}文字以内にしてください',
  'fieldError.PASSWORD_COMMON': 'よく使われるパスワードのため使えません',
  'fieldError.PASSWORD_REPEATED': '同じ文字の繰り返しは使えません',
  'fieldError.PASSWORD_IS_EMAIL': 'メールアドレスと同じパスワードは使えません',
  'fieldError.PORTAL_TOKEN_INVALID': 'このリンクは無効か、有効期限が切れています',
} as const;

export type MessageKey = keyof typeof ja;
export type MessageParams = Readonly<Record<string, string | number>>;
/** One of our texts with its params. */
export interface Message {
  readonly key: MessageKey;
  readonly params?: MessageParams;
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(ja, key);
}

export function t(key: MessageKey, params?: MessageParams): string {
  const text: string = ja[key];
  return params ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(params[name] ?? all)) : text;
}

export function render(message: Message): string {
  return t(message.key, message.params);
}
