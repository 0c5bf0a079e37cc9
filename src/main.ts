import { serve } from './serve.js';

// The SDK warns at client construction that later releases need Node 22; this release runs on 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await serve(process.env);
