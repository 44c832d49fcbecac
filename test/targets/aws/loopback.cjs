// Loaded with `node --require` into kinesis-local, which listens on every interface and has no
// setting for it: each `listen` here is pinned to 127.0.0.1, so a test opens no port beyond this
// machine.
const net = require('node:net');

const original = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || typeof first === 'string') {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string') args[1] = '127.0.0.1';
    else args.splice(1, 0, '127.0.0.1');
  }
  return original.apply(this, args);
};
