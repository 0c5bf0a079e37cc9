/* global process, console, module */
// The tutorial's src/middleware/auth.js (without dotenv).
const API_KEY = process.env.API_KEY;

if (!API_KEY) {
  console.error('FATAL ERROR: API_KEY environment variable is not set.');
  process.exit(1);
}

function simpleApiKeyAuth(req, res, next) {
  const providedApiKey = req.headers['x-api-key'];
  if (!providedApiKey || providedApiKey !== API_KEY) {
    console.warn('Authentication failed: Invalid or missing API key.');
    return res.status(401).json({ error: 'Unauthorized: Invalid API Key' });
  }
  next();
}

module.exports = simpleApiKeyAuth;
