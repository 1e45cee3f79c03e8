import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateRuleDto, UpdateRuleDto } from './routing-rules.dto';
import { RoutingRulesService } from './routing-rules.service';

/** A mailbox's routing rules (振り分け設定). */
@ApiTags('mailbox automation')
@Controller('mailboxes/:id')
export class RoutingRulesController {
  constructor(private readonly automation: RoutingRulesService) {}

  /** The rules in the order they are applied. */
  @Get('rules')
  rules(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.automation.rules(id, p);
  }

  /**
   * `{name, match: all|any, conditions:[{field, op, value}], actions:[{type, …}], position?}`;
   * field: from, to, cc, subject, body, channel, hasAttachment, form.<fieldKey>; op: contains,
   * notContains, equals, startsWith, endsWith, regex (a bad regex is refused); actions:
   * moveToFolder {folderId}, addLabel {label}, assign {userId|groupId}, markSpam, stop.
   */
  @Post('rules')
  createRule(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateRuleDto, @CurrentPrincipal() p: Principal) {
    return this.automation.createRule(id, dto, p);
  }

  @Patch('rules/:ruleId')
  updateRule(@Param('id', ParseIntPipe) id: number, @Param('ruleId', ParseIntPipe) ruleId: number, @Body() dto: UpdateRuleDto, @CurrentPrincipal() p: Principal) {
    return this.automation.updateRule(id, ruleId, dto, p);
  }

  @Delete('rules/:ruleId')
  @HttpCode(204)
  async deleteRule(@Param('id', ParseIntPipe) id: number, @Param('ruleId', ParseIntPipe) ruleId: number, @CurrentPrincipal() p: Principal) {
    await this.automation.deleteRule(id, ruleId, p);
  }
}
