import { AuthModule } from '@madoguchi/auth';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerAssignee } from './customer-assignee.entity';
import { Customer } from './customer.entity';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { CustomerSearch } from './search/customer-search.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Customer, CustomerAssignee, CustomerSearch]), AuthModule],
  controllers: [CustomersController],
  providers: [CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {}
