import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { PostalCodeView } from './postal-code.dto';
import { PostalCodesService } from './postal-codes.service';

/** 住所検索 on the customer form: any signed-in staff user (the data is public; no right is needed). */
@ApiTags('customers')
@Controller('postal-codes')
export class PostalCodesController {
  constructor(private readonly postalCodes: PostalCodesService) {}

  /** The addresses of a postal code; several when it covers several towns (the form lets the user pick). */
  @Get(':code')
  @ApiParam({
    name: 'code',
    description: '7 digits, with or without a hyphen; full-width digits are accepted',
    example: '104-0061',
  })
  @ApiOkResponse({ type: PostalCodeView })
  @ApiBadRequestResponse({ description: 'POSTAL_CODE_INVALID: not 7 digits' })
  @ApiNotFoundResponse({
    description: "POSTAL_CODE_NOT_FOUND: no address has this code in Japan Post's data",
  })
  get(@Param('code') code: string): PostalCodeView {
    return this.postalCodes.lookup(code);
  }
}
