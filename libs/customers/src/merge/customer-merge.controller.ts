import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DuplicatesQueryDto, MergeCustomersDto } from './customer-merge.dto';
import { CustomerMergeService } from './customer-merge.service';

/** 重複会員統合. Registered before CustomersController, whose `:id` would otherwise take `duplicates`. */
@ApiTags('customers')
@Controller('customers')
export class CustomerMergeController {
  constructor(private readonly merges: CustomerMergeService) {}

  /** Groups of customers sharing an email, a name (姓名 together, 漢字 姓 and 名, カナ) or a phone (TEL or MOBILE), largest first. */
  @Get('duplicates')
  @RequireRights('customers.read')
  duplicates(@Query() query: DuplicatesQueryDto) {
    return this.merges.duplicates(query);
  }

  /** Merges `mergedIds` into `survivorId` (one transaction); returns the survivor. */
  @Post('merge')
  @HttpCode(200)
  @RequireRights('customers.write')
  merge(@Body() dto: MergeCustomersDto, @CurrentPrincipal() p: Principal) {
    return this.merges.merge(dto, p.actor);
  }
}
