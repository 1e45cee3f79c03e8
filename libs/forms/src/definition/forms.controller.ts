import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateFormDto, UpdateFormDto } from './form.dto';
import { FormsService } from './forms.service';

/**
 * The form builder (問い合わせフォーム): the inquiry forms of a mailbox. Each answers with
 * `{id, mailboxId, name, slug, description, fields, replyEmailField, thankYou, active, path,
 * publicUrl, createdAt, updatedAt}`; the public page is at `path` (`/forms/<slug>`).
 */
@ApiTags('inquiry forms')
@Controller('mailboxes/:id/forms')
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Get()
  @ApiOperation({ summary: "List the mailbox's forms, by name" })
  @ApiNotFoundResponse({ description: 'The mailbox does not exist or the user may not view it' })
  list(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.forms.list(id, p);
  }

  @Get(':formId')
  @ApiOperation({ summary: 'Get one form' })
  @ApiNotFoundResponse({ description: 'No such form in this mailbox, or the mailbox is hidden from the user' })
  get(@Param('id', ParseIntPipe) id: number, @Param('formId', ParseIntPipe) formId: number, @CurrentPrincipal() p: Principal) {
    return this.forms.get(id, formId, p);
  }

  /**
   * Needs the manage right on the mailbox. Field types: text, textarea, email, tel, select,
   * radio, checkbox, date; select/radio/checkbox need `options`. The form has exactly one email
   * field and names it as `replyEmailField`. Without `slug` one is made from the name (`form`,
   * `form-2`, … for a Japanese name). The thank-you mail may use `{{form.name}}` and
   * `{{field.<key>}}`; anything else in braces is refused.
   */
  @Post()
  @ApiOperation({ summary: 'Create a form' })
  @ApiCreatedResponse({ description: 'The form, with its slug and public path' })
  @ApiBadRequestResponse({ description: 'A message per field, e.g. fields: {"fields.3.type": ["a form has exactly one email field …"], "thankYou.body": ["unknown placeholder {{field.nmae}} — known: …"]}' })
  @ApiForbiddenResponse({ description: 'No manage right on the mailbox' })
  @ApiNotFoundResponse({ description: 'The mailbox does not exist or the user may not view it' })
  create(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateFormDto, @CurrentPrincipal() p: Principal) {
    return this.forms.create(id, dto, p);
  }

  /** Same rights and checks as create, on the form with the change merged in; `fields` replaces the whole list. */
  @Patch(':formId')
  @ApiOperation({ summary: 'Update a form' })
  @ApiOkResponse({ description: 'The updated form' })
  @ApiBadRequestResponse({ description: 'A message per field' })
  @ApiForbiddenResponse({ description: 'No manage right on the mailbox' })
  update(@Param('id', ParseIntPipe) id: number, @Param('formId', ParseIntPipe) formId: number, @Body() dto: UpdateFormDto, @CurrentPrincipal() p: Principal) {
    return this.forms.update(id, formId, dto, p);
  }

  /** The tickets the form created stay; its public page answers 404 from now on. */
  @Delete(':formId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a form' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ description: 'No manage right on the mailbox' })
  async remove(@Param('id', ParseIntPipe) id: number, @Param('formId', ParseIntPipe) formId: number, @CurrentPrincipal() p: Principal) {
    await this.forms.remove(id, formId, p);
  }
}
