// The seed application's features written with ioredis (v5), printing one JSON line per
// result. Run against real Redis and against understudy-server, the two transcripts must be
// identical. Usage: node ioredis.mjs PORT
import Redis from 'ioredis';

const port = Number(process.argv[2]);
const options = { host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null };

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

// A connection of the scenario, ready; errors it reports outside a command go to stderr.
async function connect(name) {
  const connection = new Redis({ ...options, connectionName: name, lazyConnect: true });
  connection.on('error', (error) => console.error('connection error:', error.message));
  await connection.connect();
  return connection;
}

const redis = await connect('seed-app');
await redis.flushall();
show('ping', await redis.ping());
show('client getname', await redis.client('GETNAME'));
show('info has redis_version', (await redis.info('server')).includes('redis_version:'));

// Strings with TTLs.
show('set EX', await redis.set('session:abc', 'session-data', 'EX', 300));
show('set PX NX', await redis.set('lock:a', 'token', 'PX', 30000, 'NX'));
show('get', await redis.get('session:abc'));
show('getBuffer', [...(await redis.getBuffer('session:abc'))].length);
show('ttl', await redis.ttl('session:abc'));
show('pttl in range', (await redis.pttl('lock:a')) > 29000);
show('persist', await redis.persist('session:abc'));
show('mset', await redis.mset({ a: '1', b: '2' }));
show('mget', await redis.mget('a', 'b', 'c'));
show('incr', await redis.incr('a'));
show('getdel', await redis.getdel('b'));
show('set binary', await redis.set('bin', Buffer.from([0, 255, 13, 10, 1])));
show('get binary', [...(await redis.getBuffer('bin'))]);

// Hashes, lists, sets and sorted sets.
show('hset', await redis.hset('profile', { name: 'John', email: 'j@example.com' }));
show('hgetall', await redis.hgetall('profile'));
show('hmget', await redis.hmget('profile', 'name', 'missing'));
show('lpush', await redis.lpush('messages', 'm1', 'm2', 'm3'));
show('lrange', await redis.lrange('messages', 0, -1));
show('lpos', await redis.lpos('messages', 'm1'));
show('sadd', await redis.sadd('users', 'u1', 'u2', 'u3'));
show('sinter', (await redis.sinter('users', 'users')).sort());
show('srem', await redis.srem('users', 'u2'));
show('smembers', (await redis.smembers('users')).sort());
show('zadd', await redis.zadd('board', 10, 'a', 20, 'b', 15, 'c'));
show('zrevrange WITHSCORES', await redis.zrevrange('board', 0, -1, 'WITHSCORES'));
show('zrangebyscore', await redis.zrangebyscore('board', 12, '+inf'));
show('zcard', await redis.zcard('board'));

// A pipeline: many commands, one round trip, each result or error in order.
const pipelined = await redis.pipeline().set('p1', 'v').incr('p1').get('p1').lpush('p2', 'x').exec();
show('pipeline', pipelined.map(([error, value]) => (error ? { error: error.message } : value)));

// MULTI/EXEC, with a run-time error inside.
const transaction = await redis.multi().incr('counter').expire('counter', 60).incr('profile').exec();
show('multi', transaction.map(([error, value]) => (error ? { error: error.message } : value)));
await expectError('multi queue error', redis.multi().set('k').exec());

// WATCH broken by another connection.
const other = await connect('other');
await redis.watch('balance');
await other.set('balance', '5');
show('watched exec', await redis.multi().set('balance', '0').exec());

// Pub/Sub with a dedicated subscriber.
const subscriber = await connect('subscriber');
const received = new Promise((resolve) => subscriber.on('message', (channel, message) => resolve([channel, message])));
const patternReceived = new Promise((resolve) => {
  subscriber.on('pmessage', (pattern, channel, message) => resolve([pattern, channel, message]));
});
show('subscribe', await subscriber.subscribe('chat', 'news'));
show('psubscribe', await subscriber.psubscribe('room:*'));
show('publish', await other.publish('chat', 'hello'));
show('message', await received);
show('publish pattern', await other.publish('room:1', 'hi'));
show('pmessage', await patternReceived);
show('pubsub channels', (await other.pubsub('CHANNELS')).sort());
show('unsubscribe', await subscriber.unsubscribe('chat', 'news'));
subscriber.disconnect();

// A blocking pop served by another connection.
const popped = other.brpop('queue', 5);
await new Promise((resolve) => setTimeout(resolve, 50));
show('lpush to waiter', await redis.lpush('queue', 'job'));
show('brpop', await popped);
other.disconnect();

// The generic interface and errors with Redis's text.
show('call', await redis.call('OBJECT', 'ENCODING', 'board'));
show('scan', (await redis.scan(0, 'MATCH', 'p*', 'COUNT', 100))[1].sort());
show('dbsize', await redis.dbsize());
await expectError('wrong type', redis.hget('messages', 'x'));
await expectError('syntax', redis.set('x', 'y', 'EX'));
await expectError('arity', redis.call('GET'));

await redis.quit();
