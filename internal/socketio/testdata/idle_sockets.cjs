// Opens N idle websocket connections with KM's client and keeps them until
// stdin closes. Prints "ready" once all are connected.
// Usage: node idle_sockets.cjs REPO_ROOT URL N
const { createRequire } = require('node:module');

const [, , root, url, n] = process.argv;
const { io } = createRequire(root + '/package.json')('socket.io-client');

const sockets = [];
let connected = 0;
for (let i = 0; i < Number(n); i++) {
	const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
	s.on('connect', () => {
		if (++connected === Number(n)) console.log('ready');
	});
	s.on('connect_error', e => {
		console.error('connect_error: ' + e.message);
		process.exit(1);
	});
	sockets.push(s);
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
