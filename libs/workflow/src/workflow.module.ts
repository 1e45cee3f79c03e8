import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WorkflowRunner } from './workflow-runner';
import { WorkflowTransition } from './workflow-transition.entity';

@Module({
  imports: [TypeOrmModule.forFeature([WorkflowTransition])],
  providers: [WorkflowRunner],
  exports: [WorkflowRunner, TypeOrmModule],
})
export class WorkflowModule {}
