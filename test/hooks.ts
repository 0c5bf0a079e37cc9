import sinon from 'sinon';

// Keep the AWS SDK's Node-version notice out of test output; the service sets the same in main.ts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Root hooks: every test starts with no stubs or fake timers left by another. */
export const mochaHooks = {
  afterEach(): void {
    sinon.restore();
  },
};
