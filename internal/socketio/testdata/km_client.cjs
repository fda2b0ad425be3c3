// KM's own socket.io client (socket.io-client 4) against kmusers, the way
// KM's frontend calls commands: emit(name, {authorization,
// onlineAuthorization, body}, ack) and reject when ack.err.
// Usage: node km_client.cjs REPO_ROOT URL USERNAME PASSWORD
const { createRequire } = require('node:module');

const [, , root, url, username, password] = process.argv;
const { io } = createRequire(root + '/package.json')('socket.io-client');

const socket = io(url, { reconnection: false });

function command(name, body, authorization) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no ack for ' + name)), 20000);
		socket.emit(name, { authorization, onlineAuthorization: null, body }, ack => {
			clearTimeout(timer);
			if (ack.err) reject(ack.data);
			else resolve(ack.data);
		});
	});
}

socket.on('connect_error', err => {
	console.error('connect_error: ' + err.message);
	process.exit(1);
});

socket.on('connect', async () => {
	try {
		const pushed = new Promise(resolve => socket.on('userUpdated', login => resolve(login)));
		const auth = await command('login', { username, password });
		const users = await command('getUsers', {}, auth.token);
		const edit = await command('editMyAccount', { bio: 'sung from node' }, auth.token);
		const me = await command('getMyAccount', null, auth.token);
		const anonymous = await command('getUsers', {}, null).catch(e => e);
		const unknown = await command('noSuchCommand', {}, auth.token).catch(e => e);
		const login = await pushed;
		console.log(JSON.stringify({
			role: auth.role, users: users.map(u => u.login), edit, bio: me.bio, pushed: login,
			anonymous, unknown, transport: socket.io.engine.transport.name,
		}));
		socket.close();
	} catch (e) {
		console.error('failed: ' + JSON.stringify(e && e.message ? e.message : e));
		process.exit(1);
	}
});
