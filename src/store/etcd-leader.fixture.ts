/** Child process for the leader-death test: campaigns on the etcd in argv[2], prints "leading" once it leads, then waits to be killed. */
import { EtcdStore } from './etcd-store.js';
import { EtcdLeaderElection } from './etcd-leader-election.js';
import { systemClock } from '../platform/clock.js';

const [endpoints, holder, ttl] = process.argv.slice(2);
const store = await EtcdStore.connect({ endpoints: endpoints!.split(',') });
const election = new EtcdLeaderElection({ store, holder: holder!, ttlSeconds: Number(ttl), clock: systemClock });
election.onChange((leading) => leading && console.log('leading'));
setInterval(() => {}, 1 << 30);
