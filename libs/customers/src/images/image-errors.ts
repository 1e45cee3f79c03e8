import { DomainError, fieldError } from '@madoguchi/core';

/** Each image or document on a karte may be at most this big (issue #17 point 5). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** How many images one customer may have: a karte is not a file store. */
export const MAX_IMAGES_PER_CUSTOMER = 100;

export class CustomerImageTooLarge extends DomainError {
  constructor() {
    const message =
      'The file is larger than 10 MB: images and documents on the karte may be at most 10 MB each';
    super(
      'CUSTOMER_IMAGE_TOO_LARGE',
      message,
      413,
      { file: [fieldError('CUSTOMER_IMAGE_TOO_LARGE', message, { maxMb: 10 })] },
      { maxMb: 10 },
    );
  }
}

/** The bytes are no JPEG, PNG, GIF, WebP or PDF, whatever the file's name or declared type say. */
export class CustomerImageTypeRefused extends DomainError {
  constructor(sniffed: string | null) {
    const message = `Only JPEG, PNG, GIF, WebP and PDF files can be kept on the karte: the content of this file is ${sniffed ?? 'none of them'}`;
    super('CUSTOMER_IMAGE_TYPE_REFUSED', message, 400, {
      file: [fieldError('CUSTOMER_IMAGE_TYPE_REFUSED', message)],
    });
  }
}

export class CustomerImageEmpty extends DomainError {
  constructor() {
    const message = 'Choose a file to upload (multipart field "file"): none was sent, or it is empty';
    super('CUSTOMER_IMAGE_EMPTY', message, 400, { file: [fieldError('CUSTOMER_IMAGE_EMPTY', message)] });
  }
}

export class CustomerImageLimit extends DomainError {
  constructor() {
    super(
      'CUSTOMER_IMAGE_LIMIT',
      `A customer may have at most ${MAX_IMAGES_PER_CUSTOMER} images: delete some first`,
      409,
      undefined,
      { max: MAX_IMAGES_PER_CUSTOMER },
    );
  }
}
