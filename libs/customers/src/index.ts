export * from './customer.dto';
export * from './customer.entity';
export * from './customers.module';
export * from './customers.service';
export * from './search/normalize';
