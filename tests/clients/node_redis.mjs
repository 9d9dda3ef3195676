// The seed application's use of node-redis (v4), step by step, printing one JSON line per
// result. Run against real Redis and against understudy-server, the two transcripts must be
// identical. Usage: node node_redis.mjs PORT (node-redis 4 speaks RESP2 only)
import { createClient } from 'redis';

const port = Number(process.argv[2]);
const options = { socket: { host: '127.0.0.1', port, reconnectStrategy: false } };
const client = createClient(options);

// A connection of the scenario; errors it reports outside a command go to stderr.
async function connect(connection) {
  connection.on('error', (error) => console.error('connection error:', error.message));
  await connection.connect();
  return connection;
}

function show(step, value) {
  console.log(JSON.stringify([step, value]));
}

async function expectError(step, promise) {
  try {
    show(step, { unexpected: await promise });
  } catch (error) {
    show(step, { error: error.message });
  }
}

await connect(client);
await client.flushAll();
show('ping', await client.ping());
await client.clientSetName('seed-app');
show('client getname', await client.clientGetName());

// Strings with TTLs: the service's get/set/exists/del/expire.
show('set', await client.set('user:123', JSON.stringify({ name: 'John Doe' })));
show('set EX', await client.set('session:abc', 'session-data', { EX: 300 }));
show('get', JSON.parse(await client.get('user:123')));
show('exists', await client.exists('user:123'));
show('ttl', await client.ttl('session:abc'));
show('expire', await client.expire('session:abc', 600));
show('ttl after expire', await client.ttl('session:abc'));
show('del', await client.del('user:123'));
show('get missing', await client.get('user:123'));
show('set NX taken', await client.set('session:abc', 'x', { NX: true, EX: 10 }));
show('set GET', await client.set('session:abc', 'new', { GET: true }));
show('incrBy', await client.incrBy('counter', 5));
show('incrByFloat', await client.incrByFloat('counter', 0.5));
show('mGet', await client.mGet(['session:abc', 'nothing', 'counter']));

// Hashes: the user profile.
show('hSet', await client.hSet('user:123:profile', 'name', 'John Doe'));
show('hSet object', await client.hSet('user:123:profile', { email: 'john@example.com', age: 30 }));
show('hGet', await client.hGet('user:123:profile', 'name'));
show('hGetAll', await client.hGetAll('user:123:profile'));
show('hIncrBy', await client.hIncrBy('user:123:profile', 'age', 1));
show('hDel', await client.hDel('user:123:profile', 'email'));
show('hLen', await client.hLen('user:123:profile'));

// Lists: notifications and a capped room history.
for (const message of ['m1', 'm2', 'm3', 'm4']) {
  await client.lPush('room:1:messages', JSON.stringify({ message }));
}
show('lTrim', await client.lTrim('room:1:messages', 0, 2));
show('lRange', (await client.lRange('room:1:messages', 0, 9)).map((m) => JSON.parse(m)));
show('lLen', await client.lLen('room:1:messages'));
show('rPop', await client.rPop('room:1:messages'));

// Sets and sorted sets: active users and a leaderboard.
show('sAdd', await client.sAdd('active-users', ['user123', 'user456', 'user123']));
show('sMembers', (await client.sMembers('active-users')).sort());
show('sIsMember', await client.sIsMember('active-users', 'user456'));
show('zAdd', await client.zAdd('leaderboard', [
  { score: 100, value: 'player1' },
  { score: 250, value: 'player2' },
  { score: 175.5, value: 'player3' },
]));
show('zRange REV', await client.zRange('leaderboard', 0, 4, { REV: true }));
show('zRangeWithScores', await client.zRangeWithScores('leaderboard', 0, -1));
show('zIncrBy', await client.zIncrBy('leaderboard', 10, 'player1'));
show('zRank', await client.zRank('leaderboard', 'player1'));
show('zScore', await client.zScore('leaderboard', 'player3'));

// The rate limiter: INCR and EXPIRE in one transaction.
const [count, expired] = await client.multi().incr('rate:1.2.3.4').expire('rate:1.2.3.4', 3600).exec();
show('multi incr expire', [count, expired]);
show('rate ttl', await client.ttl('rate:1.2.3.4'));

// WATCH: a transaction aborted by another client's write.
const isolated = await connect(client.duplicate());
await isolated.watch('balance');
await client.set('balance', '100');
await expectError('watched exec', isolated.multi().set('balance', '0').exec());
await isolated.quit();

// Pub/Sub on a second connection, as the seed's realtime features.
const subscriber = await connect(client.duplicate());
const received = [];
const delivered = new Promise((resolve) => {
  subscriber.subscribe('notifications', (message, channel) => {
    received.push([channel, JSON.parse(message)]);
    resolve();
  });
});
await new Promise((resolve) => setTimeout(resolve, 50));
show('publish', await client.publish('notifications', JSON.stringify({ message: 'Hello!' })));
await delivered;
show('received', received);
const patternDelivered = new Promise((resolve) => {
  subscriber.pSubscribe('room:*', (message, channel) => {
    resolve([channel, message]);
  });
});
await new Promise((resolve) => setTimeout(resolve, 50));
show('publish pattern', await client.publish('room:7', 'hi'));
show('pattern received', await patternDelivered);
show('pubsub numsub', await client.pubSubNumSub('notifications'));
await subscriber.unsubscribe('notifications');
await subscriber.pUnsubscribe('room:*');
await subscriber.quit();

// A blocking pop served by another client's push.
const worker = await connect(client.duplicate());
const popped = worker.blPop('jobs', 5);
await new Promise((resolve) => setTimeout(resolve, 50));
await client.rPush('jobs', 'job-1');
show('blPop', await popped);
show('blPop timeout', await worker.blPop('empty-queue', 0.05));
await worker.quit();

// A lock taken with SET NX EX; another contender fails.
show('lock acquire', await client.set('lock:user:123', 'token-1', { NX: true, EX: 30 }));
show('lock contender', await client.set('lock:user:123', 'token-2', { NX: true, EX: 30 }));

// Scanning and the generic command interface.
const scanned = [];
for await (const key of client.scanIterator({ MATCH: 'user:*', COUNT: 2 })) scanned.push(key);
show('scanIterator', scanned.sort());
show('type', await client.type('leaderboard'));
show('config get', await client.configGet('hash-max-listpack-entries'));
show('sendCommand', await client.sendCommand(['OBJECT', 'ENCODING', 'counter']));
show('dbSize', await client.dbSize());

// Errors come back with Redis's text.
await expectError('wrong type', client.lPush('user:123:profile', 'x'));
await expectError('not an integer', client.incr('session:abc'));
await expectError('unknown command', client.sendCommand(['NOSUCHCOMMAND', 'a']));

await client.quit();
