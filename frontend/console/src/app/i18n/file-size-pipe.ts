import { Pipe, PipeTransform } from '@angular/core';

/** A byte count as people read it: `820 B`, `12.4 KB`, `3.1 MB` (1 KB = 1,024 bytes). */
export function formatFileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return '';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal for small values, where it carries information; none once it is noise.
  const shown = value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
  return `${shown} ${units[unit]}`;
}

@Pipe({ name: 'fileSize' })
export class FileSizePipe implements PipeTransform {
  transform(bytes: number | null | undefined): string {
    return formatFileSize(bytes);
  }
}
