// Baseline: a bare Koa JSON echo (read the body, parse it, answer it back). What Koa and Node's HTTP
// server cost on this machine with nothing else in the request. PORT from the environment.
import http from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';

const app = new Koa();
app.use(async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: '256kb' });
  ctx.body = JSON.parse(raw.toString('utf8')) as unknown;
});
const handle = app.callback();
http.createServer((req, res) => void handle(req, res)).listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
