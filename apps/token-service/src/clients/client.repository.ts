import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Client } from './client.entity';

@Injectable()
export class ClientRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async findById(clientId: string): Promise<Client | null> {
    const client = await this.dataSource.getRepository(Client).findOneBy({ clientId });
    // MySQL's default collation matches case-insensitively and ignores trailing spaces: the id must be exact.
    return client?.clientId === clientId ? client : null;
  }

  async insert(client: Client): Promise<void> {
    await this.dataSource.getRepository(Client).insert(client);
  }
}
