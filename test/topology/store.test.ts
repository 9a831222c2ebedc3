import { loadConfig } from '../../server/src/config';
import { clusterNodesSetting, sentinelsSetting } from '../helpers/redis-topology';
import { describeStoreContract } from '../helpers/store-contract';
import { createTestStoreFor, uniquePrefix } from '../helpers/stores';
import { topology } from '../helpers/topology';

// The store contract on Redis Cluster and on Redis Sentinel, from the configuration keys an
// operator sets, with the test stores' command deadline: at the server's 500 ms, a CI run failed
// one write of the contract's 1,200 while two busy cores ran the suite (cluster-faults.test.ts
// tests the deadline itself).
const { cluster, sentinel } = topology();

describeStoreContract('Redis Cluster', () =>
  createTestStoreFor(
    loadConfig({
      REDIS_CLUSTER_NODES: clusterNodesSetting(cluster),
      REDIS_KEY_PREFIX: uniquePrefix(),
    }).redis,
  ),
);

describeStoreContract('Redis Sentinel', () =>
  createTestStoreFor(
    loadConfig({
      REDIS_SENTINELS: sentinelsSetting(sentinel),
      REDIS_SENTINEL_NAME: sentinel.name,
      REDIS_KEY_PREFIX: uniquePrefix(),
    }).redis,
  ),
);
