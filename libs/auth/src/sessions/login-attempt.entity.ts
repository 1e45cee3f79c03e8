import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Kept in the database so the login limit holds across several app instances. */
@Entity('login_attempt')
export class LoginAttempt {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 64 })
  ip: string;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;

  @Column({ type: 'boolean', default: false })
  success: boolean;
}
