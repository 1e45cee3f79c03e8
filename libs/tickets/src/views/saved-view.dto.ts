import { OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { TicketQueryDto } from '../ticket.dto';

/** The list's filters as a view keeps them: the list's query without order and paging. */
export class TicketFilterDto extends OmitType(TicketQueryDto, ['page', 'pageSize', 'sort'] as const) {}

/** A saved personal view: a name and the list's filters it stands for. */
export class SavedViewDto {
  /** 1..50 characters, unique among the user's own views. */
  @IsString({ message: 'name must be text' })
  @MinLength(1, { message: 'name is required' })
  @MaxLength(50, { message: 'name must be at most 50 characters' })
  name: string;

  /** The list's query (`mailboxId`, `state`, `folderId`, `assignee`, `label`, `q`, …) as `GET /api/tickets` takes it. */
  @IsDefined({ message: 'filter is required' })
  @IsObject({ message: 'filter must be an object of the list\'s filters' })
  @ValidateNested()
  @Type(() => TicketFilterDto)
  filter: TicketFilterDto;
}
