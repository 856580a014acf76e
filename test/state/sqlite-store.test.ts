import { storeContract } from './store-contract.ts';
import { sqliteUnderTest } from './store-helpers.ts';

storeContract('SQLite', sqliteUnderTest());
