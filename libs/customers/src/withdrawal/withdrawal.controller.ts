import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { WithdrawCustomerDto } from './withdrawal.dto';
import { CustomerWithdrawalService } from './withdrawal.service';

/** 退会 and 再入会 on the karte (customers-write). */
@ApiTags('customers')
@Controller('customers/:id')
export class CustomerWithdrawalController {
  constructor(private readonly withdrawal: CustomerWithdrawalService) {}

  /**
   * Marks the customer withdrawn (`withdrawnAt`): kept with all their history, refused portal
   * sign-in, left out of bulk sends; writes the automatic history entry 「退会しました。」.
   * Already withdrawn: answered as it is. Answers the customer.
   */
  @Post('withdraw')
  @HttpCode(200)
  @RequireRights('customers.write')
  withdraw(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: WithdrawCustomerDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.withdrawal.withdraw(id, dto.reason ?? null, p.actor);
  }

  /** 再入会: clears the withdrawal mark; writes 「再入会しました。」. Answers the customer. */
  @Post('reinstate')
  @HttpCode(200)
  @RequireRights('customers.write')
  reinstate(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.withdrawal.reinstate(id, p.actor);
  }
}
