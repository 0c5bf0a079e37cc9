import { sqliteBackend } from '../../helpers/store-helpers.js';
import { dispatcherContract } from './dispatcher-contract.js';
import { messageStoreContract } from './message-store-contract.js';

describe('SQLite message store', () => {
  messageStoreContract(sqliteBackend());
});

describe('dispatcher on SQLite', () => {
  dispatcherContract(sqliteBackend());
});
