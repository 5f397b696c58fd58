import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';
import { UserRepository } from './user.repository';
import { Users } from './users.service';

@Module({
  providers: [
    { provide: Users, inject: [DataSource], useFactory: (ds: DataSource) => new Users(new UserRepository(ds), new PasswordHasher()) },
    AdminBootstrap,
  ],
  exports: [Users],
})
export class UsersModule {}
