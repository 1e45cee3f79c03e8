import { Pipe, PipeTransform } from '@angular/core';
import { showDirectionControls } from './direction-controls';

/** `{{ subject | visibleControls }}`: text-direction controls shown as markers (see showDirectionControls). */
@Pipe({ name: 'visibleControls' })
export class VisibleControlsPipe implements PipeTransform {
  transform(text: string | null | undefined): string {
    return showDirectionControls(text);
  }
}
