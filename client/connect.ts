import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { ConfigError } from '../common/config';
import { connectionHelp } from '../common/temporal-address';

export async function connectClient(app: AppConfig): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: app.temporal.address, connectTimeout: '5s' });
  } catch (error) {
    throw new ConfigError(connectionHelp(app.temporal.address, error));
  }
  return new Client({ connection, namespace: app.temporal.namespace });
}
