import { DomainError, fieldError, Forbidden } from '@madoguchi/core';

/** Each post is exactly one of a text, an image or a file (§5). */
export const MAX_POST_TEXT = 1000;
export const MAX_POST_BYTES = 10 * 1024 * 1024;

/** Neither a text nor a file, or both. */
export class PostNeedsOneContent extends DomainError {
  constructor() {
    const message = 'A post is exactly one of: a text (at most 1,000 characters), an image or a file';
    super('MYPAGE_POST_ONE_CONTENT', message, 400, {
      text: [fieldError('MYPAGE_POST_ONE_CONTENT', message)],
    });
  }
}

export class PostTextTooLong extends DomainError {
  constructor() {
    const message = `A text post may have at most ${MAX_POST_TEXT} characters`;
    super(
      'MYPAGE_TEXT_TOO_LONG',
      message,
      400,
      { text: [fieldError('MYPAGE_TEXT_TOO_LONG', message, { max: MAX_POST_TEXT })] },
      { max: MAX_POST_TEXT },
    );
  }
}

export class PostFileTooLarge extends DomainError {
  constructor() {
    const message = 'The file is larger than 10 MB: images and files may be at most 10 MB';
    super(
      'MYPAGE_FILE_TOO_LARGE',
      message,
      413,
      { file: [fieldError('MYPAGE_FILE_TOO_LARGE', message, { maxMb: 10 })] },
      { maxMb: 10 },
    );
  }
}

/** Named or sent as an image (or asked for as one) but its bytes are no JPEG, PNG or GIF. */
export class PostNotAnImage extends DomainError {
  constructor() {
    const message = 'Images must be JPEG, PNG or GIF files: the content of this file is not one of them';
    super('MYPAGE_NOT_AN_IMAGE', message, 400, { file: [fieldError('MYPAGE_NOT_AN_IMAGE', message)] });
  }
}

/** Bytes that contradict the declared type, or a program. */
export class PostFileTypeRefused extends DomainError {
  constructor(detail: string) {
    super('MYPAGE_FILE_TYPE_REFUSED', detail, 400, {
      file: [fieldError('MYPAGE_FILE_TYPE_REFUSED', detail)],
    });
  }
}

export class PostFileEmpty extends DomainError {
  constructor() {
    const message = 'The file is empty';
    super('MYPAGE_FILE_EMPTY', message, 400, { file: [fieldError('MYPAGE_FILE_EMPTY', message)] });
  }
}

export class PostUploadNotFound extends DomainError {
  constructor() {
    const message = 'The upload was not found: upload the file again (POST /api/uploads)';
    super('MYPAGE_UPLOAD_NOT_FOUND', message, 400, {
      uploadId: [fieldError('MYPAGE_UPLOAD_NOT_FOUND', message)],
    });
  }
}

/** No mailbox for MYPAGE threads: none chosen in the settings and none active. */
export class MypageNoMailbox extends DomainError {
  constructor() {
    super(
      'MYPAGE_NO_MAILBOX',
      'No mailbox takes MYPAGE threads: choose one in the MYPAGE settings (設定 > MYPAGE)',
      400,
    );
  }
}

export class CustomersMayNotStartThreads extends Forbidden {
  constructor() {
    super('New threads are started by the company: reply in an existing thread', 'MYPAGE_THREAD_START_OFF');
  }
}

export class PortalPasswordWrong extends DomainError {
  constructor() {
    const message = 'The current password is wrong';
    super('PORTAL_PASSWORD_WRONG', message, 400, {
      currentPassword: [fieldError('PORTAL_PASSWORD_WRONG', message)],
    });
  }
}
