import { ApiProperty } from '@nestjs/swagger';

/** One address a postal code stands for, as Japan Post lists it (a code may cover several towns). */
export class PostalAddressView {
  @ApiProperty({ type: String, description: '都道府県', example: '東京都' })
  prefecture: string;
  @ApiProperty({ type: String, description: '市区町村', example: '中央区' })
  city: string;
  /** Empty for the codes Japan Post gives a whole city (「以下に掲載がない場合」). */
  @ApiProperty({
    type: String,
    description: '町域 (empty when the code covers the whole city)',
    example: '銀座',
  })
  town: string;
}

export class PostalCodeView {
  @ApiProperty({ type: String, description: 'The code as 123-4567', example: '104-0061' })
  postalCode: string;
  @ApiProperty({ type: [PostalAddressView] })
  addresses: PostalAddressView[];
}
