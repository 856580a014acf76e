import { storeContract } from './store-contract.ts';
import { postgresUnderTest } from './store-helpers.ts';

storeContract('PostgreSQL', postgresUnderTest());
