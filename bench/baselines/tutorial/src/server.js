/* global require, process, console */
/* eslint-disable @typescript-eslint/no-require-imports -- the tutorial's own CommonJS code, kept as the tutorial has it */
// The tutorial's src/server.js. Differences, for the bench only: no dotenv, and the rate limiter
// (express-rate-limit, 100 requests per 15 minutes per address) lifted, as snsgate's limits are in
// bench/snsgate.yaml, so both sides measure the request path and not a limiter.
const express = require('express');
const mmsRoutes = require('./routes/mms');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(express.json());

app.use((req, res, next) => {
  console.log(`[${new Date().toISOString()}] ${req.method} ${req.url}`);
  next();
});

app.use('/api/mms', mmsRoutes);

app.get('/health', (req, res) => {
  res.status(200).json({ status: 'UP', timestamp: new Date().toISOString() });
});

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
app.use((err, req, res, next) => {
  console.error('Global Error Handler:', err.stack);
  res.status(500).json({ error: 'Something went wrong!' });
});

app.listen(PORT, () => {
  console.log(`Server is running on http://localhost:${PORT}`);
  console.log(`API documentation endpoint: POST /api/mms/send`);
  console.log(`Requires 'x-api-key' header for authentication.`);
});
