import { loadConfig } from '../../server/src/config';
import { createStore } from '../../server/src/stores';
import { clusterNodesSetting, sentinelsSetting } from '../helpers/redis-topology';
import { describeStoreContract } from '../helpers/store-contract';
import { silentLogger, uniquePrefix } from '../helpers/stores';
import { topology } from '../helpers/topology';

// The store contract on Redis Cluster and on Redis Sentinel, through the server's own
// createStore from the configuration keys an operator sets.
const { cluster, sentinel } = topology();

describeStoreContract('Redis Cluster', () =>
  createStore(
    loadConfig({
      REDIS_CLUSTER_NODES: clusterNodesSetting(cluster),
      REDIS_KEY_PREFIX: uniquePrefix(),
    }),
    silentLogger(),
  ),
);

describeStoreContract('Redis Sentinel', () =>
  createStore(
    loadConfig({
      REDIS_SENTINELS: sentinelsSetting(sentinel),
      REDIS_SENTINEL_NAME: sentinel.name,
      REDIS_KEY_PREFIX: uniquePrefix(),
    }),
    silentLogger(),
  ),
);
